(function () {
  var me = document.currentScript;
  var since = (me && me.getAttribute("data-briefgen-since")) || "0";
  var page = decodeURIComponent(location.pathname.slice(1));
  window.briefgenSwaps = 0;
  function overlay(problems) {
    var box = document.getElementById("briefgen-problems");
    if (!problems.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("aside");
      box.id = "briefgen-problems";
      box.setAttribute("role", "alert");
      document.body.prepend(box);
    }
    box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2147483647;" +
      "max-height:40vh;overflow:auto;margin:0;padding:.5em 1em;background:#fff4f4;" +
      "color:#600;border-bottom:2px solid #b00;font:14px/1.4 monospace";
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p;
      list.append(item);
    });
    var title = document.createElement("strong");
    title.textContent = "briefgen: the last save has problems " +
      "(the page shows the last good render)";
    box.replaceChildren(title, list);
  }
  function swap() {
    var x = window.scrollX, y = window.scrollY;
    fetch(location.href, {cache: "no-store"}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (text) {
      var next = new DOMParser().parseFromString(text, "text/html");
      // This script keeps running: its copy in the new page must not start again.
      next.querySelectorAll("script").forEach(function (s) { s.remove(); });
      document.title = next.title;
      document.head.replaceWith(document.adoptNode(next.head));
      document.body.replaceWith(document.adoptNode(next.body));
      window.scrollTo(x, y);
      window.briefgenSwaps += 1;
    }).catch(function () { location.reload(); });
  }
  function connect() {
    var url = "/__briefgen/events?page=" + encodeURIComponent(page) + "&since=" + since;
    var source = new EventSource(url);
    source.addEventListener("update", function (e) {
      var d = JSON.parse(e.data);
      since = e.lastEventId;
      if (d.pages.indexOf(page) >= 0 || (page === "" && d.done)) { swap(); }
      else { overlay(d.problems); }
    });
    source.addEventListener("problems", function (e) {
      since = e.lastEventId;
      overlay(JSON.parse(e.data).problems);
    });
    source.addEventListener("pdf", function (e) {
      since = e.lastEventId;
      var d = JSON.parse(e.data);
      if (d.page === page) { window.briefgenPdf = "/" + d.pdf; }
    });
    source.onopen = function () { window.briefgenLive = true; };
    source.onerror = function () {  // refused (too many tabs) or the server is gone
      if (source.readyState === 2) { setTimeout(connect, 5000); }
    };
  }
  connect();
})();
