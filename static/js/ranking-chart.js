// The dashboard's forest plot: one row per ranked country in rank order, its median rank over the Monte Carlo
// samples as a dot and its 5th–95th percentile as a whisker, rank 1 on the left. The plot grows by a fixed height per
// country, so that every name keeps a readable line however many are ranked, and scrolls inside its box with the
// rank axis on top. Its words come translated from the page, on the canvas's data-*-label attributes.
(function () {
  const ROW_HEIGHT = 16;
  const AXES_HEIGHT = 80;
  const source = document.getElementById("ranking-chart-data");
  const canvas = document.getElementById("ranking-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const rows = JSON.parse(source.textContent);
  if (!rows.length) return;
  const { intervalLabel, medianLabel, rankLabel } = canvas.dataset;
  // Set through the CSSOM, which the Content-Security-Policy allows (inline style attributes it does not).
  canvas.parentElement.style.height = `${rows.length * ROW_HEIGHT + AXES_HEIGHT}px`;
  new Chart(canvas, {
    data: {
      labels: rows.map((row) => `${row.rank}. ${row.country}`),
      datasets: [
        { type: "bar", label: intervalLabel, data: rows.map((row) => [row.p05, row.p95]),
          backgroundColor: "rgba(33, 37, 41, 0.75)", barThickness: 3, order: 2 },
        { type: "line", label: medianLabel, data: rows.map((row) => row.median), showLine: false,
          pointRadius: 3, pointBackgroundColor: "#dc3545", borderColor: "#dc3545", order: 1 },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false, axis: "y" },
      plugins: {
        legend: { position: "top" },
        tooltip: {
          callbacks: {
            title: (items) => rows[items[0].dataIndex].country,
            label: (item) => {
              const row = rows[item.dataIndex];
              if (item.datasetIndex === 0) return `${intervalLabel} ${Math.round(row.p05)}–${Math.round(row.p95)}`;
              return `${medianLabel} ${row.median}`;
            },
            footer: (items) => rows[items[0].dataIndex].verdict,
          },
        },
      },
      scales: {
        x: { position: "top", min: 1, title: { display: true, text: rankLabel } },
        y: { ticks: { autoSkip: false, font: { size: 11 } }, grid: { display: false } },
      },
    },
  });
})();
