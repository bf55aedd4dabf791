/* Charts of the public page (Apache ECharts, served locally): the tasks by status and each selected
   indicator's actual values by month with its target. Data come from JSON script tags; tooltips are
   canvas text (richText), never HTML. */
(function () {
  if (typeof echarts === "undefined") { return; }
  const read = id => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  const charts = [];
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);

  const status = read("public-status-data");
  const statusBox = document.getElementById("public-status");
  if (status && statusBox) {
    const chart = echarts.init(statusBox);
    chart.setOption({
      aria: { enabled: true },
      tooltip: tooltip({ trigger: "item" }),
      legend: { bottom: 0 },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        label: { formatter: "{b}: {c}" },
        data: status.status.filter(s => s.value > 0).map(s => ({ name: s.label, value: s.value, itemStyle: { color: s.colour } })),
      }],
    });
    charts.push(chart);
  }

  const indicators = read("public-indicator-data") || [];
  indicators.forEach(indicator => {
    const box = document.getElementById(indicator.id);
    if (!box || !indicator.months.length) { return; }
    const chart = echarts.init(box);
    const series = [{ name: indicator.name, type: "line", data: indicator.actuals, connectNulls: false }];
    if (indicator.target !== null) {
      series[0].markLine = { symbol: "none", data: [{ yAxis: indicator.target, name: "target" }], label: { formatter: String(indicator.target) } };
    }
    chart.setOption({
      aria: { enabled: true },
      tooltip: tooltip({ trigger: "axis" }),
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: indicator.months },
      yAxis: { type: "value", name: indicator.unit, scale: true },
      series: series,
    });
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
