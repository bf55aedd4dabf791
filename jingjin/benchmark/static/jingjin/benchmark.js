/* Charts of the benchmarking page (Apache ECharts, served locally). Data come from a JSON script tag.
   Names come from users: every tooltip is drawn as rich text on the canvas, never as HTML. */
(function () {
  const source = document.getElementById("bench-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const charts = [];
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);

  const radarBox = document.getElementById("chart-radar");
  if (radarBox && data.radar && data.radar.indicators.length >= 3) {
    const chart = echarts.init(radarBox);
    chart.setOption({
      tooltip: tooltip({}),
      legend: { bottom: 0, data: data.radar.series.map(s => s.name) },
      radar: { indicator: data.radar.indicators.map(name => ({ name: name, max: 1, min: 0 })), radius: "62%" },
      series: [{ type: "radar", data: data.radar.series.map(s => ({ name: s.name, value: s.values })) }],
    });
    charts.push(chart);
  } else if (radarBox) {
    radarBox.textContent = radarBox.dataset.empty;
    radarBox.style.height = "auto";
  }

  const linesBox = document.getElementById("chart-ranks");
  if (linesBox && data.ranks && data.ranks.series.length) {
    const chart = echarts.init(linesBox);
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 16, top: 24, bottom: 56 },
      xAxis: { type: "category", data: data.ranks.years },
      yAxis: { type: "value", inverse: true, min: 1, minInterval: 1, name: data.ranks.axis },
      series: data.ranks.series.map(s => ({ name: s.name, type: "line", data: s.values, connectNulls: false })),
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
