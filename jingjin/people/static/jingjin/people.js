/* Charts of the talent and party-building overview (Apache ECharts, served locally): talents by
   category against the five-year targets, coverage by county, open warnings by level. Data come
   from a JSON script tag; tooltips are canvas rich text (strict CSP). */
(function () {
  const source = document.getElementById("people-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const box = id => document.getElementById(id);
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const charts = [];
  const bar = (id, categories, series, options) => {
    if (!box(id)) { return; }
    const chart = echarts.init(box(id));
    chart.setOption(Object.assign({
      tooltip: tooltip({ trigger: "axis" }),
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    }, options || {}));
    box(id).dataset.rendered = "1";
    charts.push(chart);
  };
  bar("chart-talents", data.categories, [
    { name: data.names.actual, type: "bar", data: data.actual, itemStyle: { color: "#b0282c" } },
    { name: data.names.target, type: "bar", data: data.target, itemStyle: { color: "#adb5bd" } },
  ]);
  bar("chart-coverage", data.counties, [
    { name: data.names.coverage, type: "bar", data: data.coverage, itemStyle: { color: "#0d6efd" } },
  ], { yAxis: { type: "value", max: 100 } });
  const colours = ["#0d6efd", "#ffc107", "#dc3545"];
  bar("chart-warnings", data.levels, [
    { type: "bar", data: data.warnings.map((v, i) => ({ value: v, itemStyle: { color: colours[i] } })) },
  ], { legend: { show: false } });
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
