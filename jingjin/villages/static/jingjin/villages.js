/* Charts of the villages' pages (Apache ECharts, served locally): toilets by county, the score
   ranking and the collective-economy tiers. Data come from the "villages-data" JSON script tag;
   tooltips are canvas rich text (names come from users; strict CSP). */
(function () {
  const source = document.getElementById("villages-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const box = id => document.getElementById(id);
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const charts = [];

  const t = data.toilets;
  if (box("chart-toilets") && t && t.names.length) {
    const chart = echarts.init(box("chart-toilets"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: t.names, axisLabel: { width: 110, overflow: "truncate" } },
      series: [
        { name: t.labels[0], type: "bar", data: t.planned, itemStyle: { color: "#adb5bd" }, barGap: "-100%", barMaxWidth: 18 },
        { name: t.labels[1], type: "bar", data: t.built, itemStyle: { color: "#0d6efd" }, barGap: "-100%", barMaxWidth: 12 },
        { name: t.labels[2], type: "bar", data: t.accepted, itemStyle: { color: "#198754" }, barGap: "-100%", barMaxWidth: 6 },
      ],
    });
    box("chart-toilets").dataset.rendered = "1";
    charts.push(chart);
  }

  const s = data.scores;
  if (box("chart-scores") && s && s.names.length) {
    const colours = { red: "#b0282c", black: "#212529", "": "#6c757d" };
    const chart = echarts.init(box("chart-scores"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", max: 100 },
      yAxis: { type: "category", inverse: true, data: s.names, axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", barMaxWidth: 16, data: s.totals.map((v, i) => ({ value: v, itemStyle: { color: colours[s.marks[i]] } })) }],
    });
    charts.push(chart);
  }

  const r = data.tiers;
  if (box("chart-tiers") && r && r.counts.some(n => n > 0)) {
    const chart = echarts.init(box("chart-tiers"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      grid: { left: 8, right: 16, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: r.names, axisLabel: { interval: 0, width: 70, overflow: "break" } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barMaxWidth: 32, data: r.counts, itemStyle: { color: "#b0282c" } }],
    });
    charts.push(chart);
  }

  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
