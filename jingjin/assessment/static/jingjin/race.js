/* The rank history of a 赛马 race (Apache ECharts, served locally): one line per unit, rank 1 on
   top (inverted axis); data from the JSON script tag "race-data"; tooltips are canvas text. */
(function () {
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const source = document.getElementById("race-data");
  const box = document.getElementById("race-chart");
  if (!source || !box || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const narrow = window.matchMedia("(max-width: 576px)").matches;
  const chart = echarts.init(box);
  chart.setOption({
    tooltip: tooltip({ trigger: "axis" }),
    legend: { type: "scroll", bottom: 0, show: !narrow },
    grid: { left: 40, right: 16, top: 16, bottom: narrow ? 24 : 48 },
    xAxis: { type: "category", data: data.rounds },
    yAxis: { type: "value", inverse: true, min: 1, minInterval: 1 },
    series: data.series.map(s => ({ name: s.name, type: "line", data: s.ranks, connectNulls: false })),
  });
  window.addEventListener("resize", () => chart.resize());
})();
