// Small multiples on the country page: each indicator's series with the medians of the country's income group
// and region. The series come from the page (one JSON script per chart), the legend's words from the section.
(function () {
  const section = document.getElementById("indicator-multiples");
  if (!section || typeof Chart === "undefined") return;
  const labels = section.dataset;
  section.querySelectorAll("canvas[data-indicator-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.indicatorChart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const line = (label, values, colour, dash) => ({
      label, data: values, borderColor: colour, backgroundColor: colour, borderDash: dash,
      pointRadius: dash.length ? 0 : 2, spanGaps: true, borderWidth: dash.length ? 1.5 : 2,
    });
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.years,
        datasets: [
          line(labels.labelCountry, data.country, "rgb(13, 110, 253)", []),
          line(labels.labelIncome, data.income, "rgb(108, 117, 125)", [6, 4]),
          line(labels.labelRegion, data.region, "rgb(25, 135, 84)", [2, 3]),
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { maxTicksLimit: 6 } }, y: { ticks: { maxTicksLimit: 4 } } },
      },
    });
  });
})();
