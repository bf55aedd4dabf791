/* Charts of the admission pages (Apache ECharts, served locally): the applications by check
   result, and a run's quota use against the limits. Data come from JSON script tags; tooltips
   are canvas text (richText), never HTML. */
(function () {
  if (typeof echarts === "undefined") { return; }
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const charts = [];

  const outcomes = document.getElementById("admission-data");
  const pieBox = document.getElementById("admission-outcomes");
  if (outcomes && pieBox) {
    const data = JSON.parse(outcomes.textContent);
    if (data.values.some(v => v > 0)) {
      const chart = echarts.init(pieBox);
      chart.setOption({
        tooltip: tooltip({ trigger: "item" }),
        color: ["#198754", "#ffc107", "#dc3545"],
        series: [{
          type: "pie", radius: ["35%", "65%"],
          data: data.labels.map((name, i) => ({ name: name, value: data.values[i] })),
        }],
      });
      charts.push(chart);
    } else {
      pieBox.textContent = pieBox.dataset.empty;
      pieBox.classList.remove("jj-chart-280");
    }
  }

  const run = document.getElementById("admission-run-data");
  const barBox = document.getElementById("admission-run-chart");
  if (run && barBox) {
    const data = JSON.parse(run.textContent);
    const share = data.used.map((u, i) => (data.limit[i] > 0 ? Math.round((u / data.limit[i]) * 1000) / 10 : 0));
    const chart = echarts.init(barBox);
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      grid: { left: 50, right: 10, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.quotas },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "bar", data: share, itemStyle: { color: "#0d6efd" } }],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
