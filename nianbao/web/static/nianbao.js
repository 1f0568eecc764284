// nianbao: column descriptions collapsed behind a click (they used to push the data down).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
    var details = document.createElement("details");
    details.className = "column-help";
    var summary = document.createElement("summary");
    summary.textContent = "列说明 Column descriptions (" + dl.querySelectorAll("dt").length + ")";
    details.appendChild(summary);
    dl.parentNode.insertBefore(details, dl);
    details.appendChild(dl);
  });
});

// Query results: the Chinese label above each column key, numbers right-aligned (a table
// page gets both from its template; a query's template knows no column types).
document.addEventListener("DOMContentLoaded", function () {
  var labels = window.nianbaoLabels || {};
  document.querySelectorAll("table.rows-and-columns").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th) {
      var key = th.textContent.trim();
      if (th.querySelector(".label-zh") || !labels[key]) { return; }
      var span = document.createElement("span");
      span.className = "label-zh";
      span.textContent = labels[key];
      th.insertBefore(span, th.firstChild);
    });
    table.querySelectorAll("tbody td").forEach(function (td) {
      if (!/type-/.test(td.className) && /^-?\d+(\.\d+)?$/.test(td.textContent.trim())) {
        td.classList.add("type-number");
      }
    });
  });
});
