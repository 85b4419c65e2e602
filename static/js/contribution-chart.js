// A country's score broken down by criterion: one horizontal bar per criterion's contribution. The tooltip's word
// comes translated from the page (the canvas's data-value-label).
(function () {
  const source = document.getElementById("contribution-chart-data");
  const canvas = document.getElementById("contribution-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const rows = JSON.parse(source.textContent);
  if (!rows.length) return;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((row) => row.label),
      datasets: [{ label: canvas.dataset.valueLabel, data: rows.map((row) => row.value), backgroundColor: "rgba(13, 110, 253, 0.6)" }],
    },
    options: { indexAxis: "y", animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
})();
