// The dashboard's chart: each country's score as a bar, and its 5th–95th percentile rank interval as a whisker
// with the rank as a dot, on a second axis where rank 1 is at the top.
(function () {
  const source = document.getElementById("ranking-chart-data");
  const canvas = document.getElementById("ranking-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const rows = JSON.parse(source.textContent);
  if (!rows.length) return;
  const labels = rows.map((row) => row.iso3);
  new Chart(canvas, {
    data: {
      labels,
      datasets: [
        { type: "bar", label: canvas.dataset.scoreLabel || "Score", data: rows.map((row) => row.score),
          backgroundColor: "rgba(13, 110, 253, 0.35)", yAxisID: "score", order: 3 },
        { type: "bar", label: canvas.dataset.intervalLabel || "Rank, 5th–95th percentile",
          data: rows.map((row) => [row.p05, row.p95]), backgroundColor: "rgba(33, 37, 41, 0.85)",
          barThickness: 2, yAxisID: "rank", order: 2 },
        { type: "scatter", label: canvas.dataset.rankLabel || "Rank", data: rows.map((row) => row.rank),
          backgroundColor: "#dc3545", pointRadius: 3, yAxisID: "rank", order: 1 },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => rows[items[0].dataIndex].country,
            label: (item) => {
              const row = rows[item.dataIndex];
              if (item.datasetIndex === 0) return `score ${row.score.toFixed(3)}`;
              if (item.datasetIndex === 1) return `rank interval ${Math.round(row.p05)}–${Math.round(row.p95)}`;
              return `rank ${row.rank}`;
            },
          },
        },
      },
      scales: {
        score: { position: "left", beginAtZero: true, title: { display: true, text: "score" } },
        rank: { position: "right", reverse: true, min: 1, title: { display: true, text: "rank" },
                grid: { drawOnChartArea: false } },
      },
    },
  });
})();
