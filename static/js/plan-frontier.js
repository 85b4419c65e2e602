// What a plan buys for its money beside what less or more money would buy (the plan solved again with every pool
// scaled), and the greedy value-per-yen plan for comparison. The points come from the page.
(function () {
  const source = document.getElementById("plan-frontier-data");
  const canvas = document.getElementById("plan-frontier");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const labels = canvas.dataset;
  new Chart(canvas, {
    type: "scatter",
    data: {
      datasets: [
        {
          label: labels.frontierLabel,
          data: data.frontier,
          showLine: true,
          borderColor: "rgba(13, 110, 253, 0.8)",
          backgroundColor: "rgba(13, 110, 253, 0.8)",
        },
        { label: labels.planLabel, data: data.plan, pointRadius: 8, pointStyle: "rectRot", backgroundColor: "#d63384" },
        { label: labels.greedyLabel, data: data.greedy, pointRadius: 7, pointStyle: "triangle", backgroundColor: "#6c757d" },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { title: { display: true, text: labels.costLabel }, beginAtZero: true },
        y: { title: { display: true, text: labels.valueLabel }, beginAtZero: true },
      },
    },
  });
})();
