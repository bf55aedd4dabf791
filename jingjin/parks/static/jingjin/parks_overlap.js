/* The overlap heatmap of the parks (同质化, Apache ECharts, served locally): the Jaccard index
   of each pair of parks' sub-industries, darker for more overlap. Data come from the JSON script
   tag "overlap-data"; tooltips are rich text on the canvas (park names come from users: never
   HTML; strict CSP). */
(function () {
  const source = document.getElementById("overlap-data");
  const box = document.getElementById("overlap-chart");
  if (!source || !box || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  if (!data.names || !data.names.length) { return; }
  const chart = echarts.init(box);
  const many = data.names.length > 20;
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  chart.setOption({
    tooltip: tooltip({
      formatter: p => `${data.names[p.value[1]]} × ${data.names[p.value[0]]}\n${data.label}: ${p.value[2]}`,
    }),
    grid: { left: many ? 16 : 120, right: 16, top: 16, bottom: 72, containLabel: !many },
    xAxis: { type: "category", data: data.names, axisLabel: { show: !many, rotate: 45 }, splitArea: { show: true } },
    yAxis: { type: "category", data: data.names, axisLabel: { show: !many }, splitArea: { show: true } },
    visualMap: {
      min: 0, max: 1, calculable: true, orient: "horizontal", left: "center", bottom: 0,
      inRange: { color: ["#f7f7f7", "#f4a582", "#b0282c"] },
    },
    series: [{ name: data.label, type: "heatmap", data: data.cells, progressive: 2000 }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
