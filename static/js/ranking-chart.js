// The dashboard's chart: each country's score as a bar, and its 5th–95th percentile rank interval as a whisker
// with the rank as a dot, on a second axis where rank 1 is at the top. Its words come translated from the page,
// on the canvas's data-*-label attributes.
(function () {
  const source = document.getElementById("ranking-chart-data");
  const canvas = document.getElementById("ranking-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const rows = JSON.parse(source.textContent);
  if (!rows.length) return;
  const labels = rows.map((row) => row.iso3);
  const { scoreLabel, intervalLabel, rankLabel } = canvas.dataset;
  new Chart(canvas, {
    data: {
      labels,
      datasets: [
        { type: "bar", label: scoreLabel, data: rows.map((row) => row.score),
          backgroundColor: "rgba(13, 110, 253, 0.35)", yAxisID: "score", order: 3 },
        { type: "bar", label: intervalLabel,
          data: rows.map((row) => [row.p05, row.p95]), backgroundColor: "rgba(33, 37, 41, 0.85)",
          barThickness: 2, yAxisID: "rank", order: 2 },
        { type: "scatter", label: rankLabel, data: rows.map((row) => row.rank),
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
              if (item.datasetIndex === 0) return `${scoreLabel} ${row.score.toFixed(3)}`;
              if (item.datasetIndex === 1) return `${intervalLabel} ${Math.round(row.p05)}–${Math.round(row.p95)}`;
              return `${rankLabel} ${row.rank}`;
            },
          },
        },
      },
      scales: {
        score: { position: "left", beginAtZero: true, title: { display: true, text: scoreLabel } },
        rank: { position: "right", reverse: true, min: 1, title: { display: true, text: rankLabel },
                grid: { drawOnChartArea: false } },
      },
    },
  });
})();
