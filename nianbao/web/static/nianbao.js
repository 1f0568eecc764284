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
