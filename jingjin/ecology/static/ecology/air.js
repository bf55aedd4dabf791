/* Charts of the air quality page (Apache ECharts, served locally): the daily AQI calendar in the
   six level colours and the monthly PM2.5 / O3-8h-90th trends. Data come from a JSON script tag;
   every tooltip is canvas text (richText), never HTML. */
(function () {
  const source = document.getElementById("air-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const charts = [];
  const tooltip = options => Object.assign({ renderMode: "richText", confine: true }, options);
  const narrow = window.matchMedia("(max-width: 576px)").matches;

  const calendarBox = document.getElementById("air-calendar");
  if (calendarBox && data.calendar.length) {
    const chart = echarts.init(calendarBox);
    chart.setOption({
      tooltip: tooltip({ formatter: p => p.value[0] + "  AQI " + p.value[1] }),
      visualMap: {
        type: "piecewise",
        dimension: 2,
        show: false,
        pieces: data.colours.map((colour, i) => ({ value: i + 1, color: colour, label: data.levels[i] })),
      },
      calendar: {
        range: String(data.year),
        cellSize: narrow ? [9, 9] : ["auto", 16],
        left: narrow ? 30 : 40,
        right: 10,
        top: 30,
        yearLabel: { show: !narrow },
        dayLabel: { firstDay: 1, nameMap: "ZH" },
        monthLabel: { nameMap: "ZH" },
      },
      series: [{ type: "heatmap", coordinateSystem: "calendar", data: data.calendar }],
    });
    charts.push(chart);
  } else if (calendarBox) {
    calendarBox.textContent = calendarBox.dataset.empty;
    calendarBox.classList.remove("jj-chart-280");
  }

  const trendsBox = document.getElementById("air-trends");
  if (trendsBox) {
    const chart = echarts.init(trendsBox);
    chart.setOption({
      tooltip: tooltip({ trigger: "axis" }),
      legend: { bottom: 0 },
      grid: { left: 44, right: 12, top: 24, bottom: 48 },
      xAxis: { type: "category", data: data.trends.months.map(m => m.slice(5)) },
      yAxis: { type: "value", name: data.names.unit },
      series: [
        { name: data.names.pm25, type: "bar", data: data.trends.pm25 },
        { name: data.names.o3, type: "line", data: data.trends.o3_8h_p90, connectNulls: false },
      ],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
