/* Charts of a project campaign's page (Apache ECharts, served locally). Data come from a JSON
   script tag; every tooltip is canvas rich text (names come from users; strict CSP). */
(function () {
  const source = document.getElementById("campaign-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const box = id => document.getElementById(id);
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const charts = [];

  if (box("chart-campaign") && data.months.length) {
    const chart = echarts.init(box("chart-campaign"));
    const series = [
      { name: data.names.investment, type: "line", yAxisIndex: 0, data: data.investment, itemStyle: { color: "#b0282c" } },
      { name: data.names.started, type: "line", step: "end", yAxisIndex: 1, data: data.started, itemStyle: { color: "#0d6efd" } },
    ];
    if (data.target_investment !== null) {
      series[0].markLine = { symbol: "none", label: { formatter: data.names.target }, data: [{ yAxis: data.target_investment }] };
    }
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      legend: { bottom: 0 },
      grid: { left: 64, right: 40, top: 24, bottom: 56 },
      xAxis: { type: "category", data: data.months },
      yAxis: [{ type: "value" }, { type: "value", minInterval: 1 }],
      series: series,
    });
    box("chart-campaign").dataset.rendered = "1";
    charts.push(chart);
  }

  if (box("chart-campaign-units") && data.units.names.length) {
    const chart = echarts.init(box("chart-campaign-units"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", name: data.units.axis },
      yAxis: { type: "category", inverse: true, data: data.units.names, axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", barMaxWidth: 20, data: data.units.completion, itemStyle: { color: "#b0282c" } }],
    });
    charts.push(chart);
  }

  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
