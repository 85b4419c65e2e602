// How many countries' latest values fall in each range: the ranges and counts come from the page (computed on the
// server, on a logarithmic scale for series spanning orders of magnitude).
(function () {
  const source = document.getElementById("indicator-histogram-data");
  const canvas = document.getElementById("indicator-histogram");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: canvas.dataset.countLabel, data: data.counts, backgroundColor: "rgba(13, 110, 253, 0.6)" }],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
