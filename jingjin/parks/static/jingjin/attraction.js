/* The attraction charts (Apache ECharts, served locally): the chain page's gap scores by position
   (a bar per link, grouped upstream → midstream → downstream) from the JSON script tag
   "chain-gaps-data", and the attraction funnel from "funnel-data". Tooltips are rich text on the
   canvas (names come from users: never HTML; strict CSP). */
(function () {
  if (typeof echarts === "undefined") { return; }
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const charts = [];
  const read = id => {
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  };
  const gaps = read("chain-gaps-data");
  const gapBox = document.getElementById("chain-gaps-chart");
  if (gaps && gapBox) {
    const colors = ["#2f6f9f", "#b0282c", "#4a7d3a"];
    const names = [];
    const values = [];
    gaps.positions.forEach((column, index) => {
      column.links.forEach(link => {
        names.push(`${column.label} · ${link.name}`);
        values.push({ value: link.score, itemStyle: { color: colors[index % colors.length] } });
      });
    });
    if (names.length) {
      const chart = echarts.init(gapBox);
      chart.setOption({
        tooltip: tooltip({ trigger: "axis" }),
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, max: 1 },
        yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 160, overflow: "truncate" } },
        series: [{ type: "bar", data: values, barMaxWidth: 18 }],
      });
      charts.push(chart);
    } else {
      gapBox.hidden = true;
    }
  }
  const funnel = read("funnel-data");
  const funnelBox = document.getElementById("funnel-chart");
  if (funnel && funnelBox) {
    const chart = echarts.init(funnelBox);
    chart.setOption({
      title: { text: funnel.title, textStyle: { fontSize: 13 } },
      tooltip: tooltip({ trigger: "item" }),
      series: [{
        type: "funnel", sort: "none", top: 32, bottom: 8, minSize: "10%",
        label: { show: true, position: "inside", formatter: "{b}: {c}" },
        data: funnel.stages,
      }],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach(chart => chart.resize()));
})();
