/* Charts of the leader cockpit (Apache ECharts, served locally). Data come from a JSON script tag.
   A click on a bar, a slice or a point opens the list behind it: the URLs are in data.links.
   Names come from users: no tooltip is HTML. Every tooltip is drawn as rich text on the canvas
   (renderMode "richText"), so a name like <img onerror=…> is shown as the text it is and the
   strict Content-Security-Policy (no inline style attributes either) holds. */
(function () {
  const source = document.getElementById("cockpit-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const links = data.links || {};
  const charts = [];
  // Open a link of the chart data; the chart's box records it for tests (data-last-link).
  const drill = (chart, pick) => chart.on("click", params => {
    const url = pick(params);
    if (url) {
      chart.getDom().dataset.lastLink = url;
      window.location.assign(url);
    }
  });
  const box = id => document.getElementById(id);
  const narrow = window.innerWidth < 576;
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);

  if (box("chart-actions") && data.actions.labels.length) {
    const chart = echarts.init(box("chart-actions"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis", formatter: p => `${data.actions.names[p[0].dataIndex]}\n${p[0].value ?? "—"}%` }),
      grid: { left: 40, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: data.actions.labels },
      yAxis: { type: "value", min: 0, max: 100, name: data.actions.axis },
      series: [{ type: "bar", barMaxWidth: 48, data: data.actions.progress, itemStyle: { color: "#b0282c" }, label: { show: true, position: "top" }, cursor: "pointer" }],
    });
    drill(chart, p => (links.actions || [])[p.dataIndex]);
    charts.push(chart);
  }

  if (box("chart-status") && data.status.length) {
    const chart = echarts.init(box("chart-status"));
    chart.setOption({
      tooltip: tooltip({ trigger: "item" }),
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], label: { show: !narrow },
        data: data.status.map(s => ({ name: s.name, value: s.value, itemStyle: { color: s.colour } })),
      }],
    });
    drill(chart, p => (links.status || [])[p.dataIndex]);
    charts.push(chart);
  }

  if (box("chart-trends") && data.trends.months.length) {
    const chart = echarts.init(box("chart-trends"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 24, bottom: 56 },
      xAxis: { type: "category", data: data.trends.months },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { name: data.trends.progress_name, type: "line", data: data.trends.progress, itemStyle: { color: "#b0282c" } },
        { name: data.trends.on_time_name, type: "line", data: data.trends.on_time, itemStyle: { color: "#0d6efd" } },
      ],
    });
    drill(chart, p => (links.trends || [])[p.dataIndex]);
    charts.push(chart);
  }

  if (box("chart-counties") && data.counties.names.length) {
    const chart = echarts.init(box("chart-counties"));
    chart.setOption({
      tooltip: tooltip({ trigger: "axis", axisPointer: { type: "shadow" } }),
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: data.counties.names, triggerEvent: true },
      yAxis: { type: "value", minInterval: 1 },
      series: data.counties.series.map(s => ({ name: s.name, type: "bar", stack: "status", barMaxWidth: 48, data: s.values, itemStyle: { color: s.colour } })),
    });
    // a segment: the county's tasks in that status; the county's name: its scorecard
    drill(chart, p => p.componentType === "xAxis"
      ? (links.county_pages || [])[data.counties.names.indexOf(p.value)]
      : ((links.counties || [])[p.seriesIndex] || [])[p.dataIndex]);
    charts.push(chart);
  } else if (box("chart-counties")) {
    box("chart-counties").style.height = "0";
  }
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
