/* Charts of the per-mu evaluation (Apache ECharts, served locally): the class distribution and
   per-mu tax and value added by park and industry on a campaign's page, a firm's score over the
   years on its page. Data come from JSON script tags; tooltips are canvas rich text (strict CSP). */
(function () {
  if (typeof echarts === "undefined") { return; }
  const box = id => document.getElementById(id);
  const read = id => { const el = box(id); return el ? JSON.parse(el.textContent) : null; };
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const charts = [];
  const colours = { A: "#198754", B: "#0d6efd", C: "#fd7e14", D: "#b0282c" };

  const data = read("land-data");
  if (data && box("chart-land-classes")) {
    const chart = echarts.init(box("chart-land-classes"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      grid: { left: 40, right: 16, top: 16, bottom: 24 },
      xAxis: { type: "category", data: data.classes },
      yAxis: { type: "value", minInterval: 1, name: data.names.firms },
      series: [{ type: "bar", barMaxWidth: 36, data: data.classes.map((c, i) => ({ value: data.counts[i], itemStyle: { color: colours[c] || "#6c757d" } })) }],
    });
    box("chart-land-classes").dataset.rendered = "1";
    charts.push(chart);
  }
  const groups = (id, rows) => {
    if (!box(id) || !rows.length) { return; }
    const chart = echarts.init(box(id));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: rows.map(r => r.name), axisLabel: { width: 110, overflow: "truncate" } },
      series: [
        { name: data.names.tax, type: "bar", data: rows.map(r => r.tax_per_mu), itemStyle: { color: "#b0282c" } },
        { name: data.names.va, type: "bar", data: rows.map(r => r.va_per_mu), itemStyle: { color: "#0d6efd" } },
      ],
    });
    charts.push(chart);
  };
  if (data) { groups("chart-land-parks", data.parks); groups("chart-land-industries", data.industries); }

  const trend = read("land-trend");
  if (trend && box("chart-land-trend") && trend.years.length) {
    const chart = echarts.init(box("chart-land-trend"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      grid: { left: 40, right: 16, top: 16, bottom: 24 },
      xAxis: { type: "category", data: trend.years.map(String) },
      yAxis: { type: "value", name: trend.name },
      series: [{ type: "line", data: trend.scores, label: { show: true, formatter: p => trend.classes[p.dataIndex] }, itemStyle: { color: "#b0282c" } }],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
