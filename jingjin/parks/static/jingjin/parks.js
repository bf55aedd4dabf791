/* The clusters' charts (Apache ECharts, served locally): output by year, a bar per year for the
   actual output and a line for the target. Data come from the JSON script tag "clusters-data";
   tooltips are rich text on the canvas (names come from users: never HTML; strict CSP). */
(function () {
  const source = document.getElementById("clusters-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const charts = [];
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  data.clusters.forEach((cluster, index) => {
    const box = document.getElementById(`chart-${index}`);
    if (!box || !cluster.years.length) { return; }
    const chart = echarts.init(box);
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 28, bottom: 48 },
      xAxis: { type: "category", data: cluster.years },
      yAxis: { type: "value", name: data.unit, min: 0 },
      series: [
        { name: data.actual, type: "bar", barMaxWidth: 40, data: cluster.actual, itemStyle: { color: "#b0282c" } },
        { name: data.target, type: "line", data: cluster.target, itemStyle: { color: "#555" }, lineStyle: { type: "dashed" } },
      ],
    });
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach(chart => chart.resize()));
})();
