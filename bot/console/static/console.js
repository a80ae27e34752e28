/* The console's few behaviours: polling the chat and the board, live countdowns, posting acts
   without leaving the page, switching person, and choosing a case. No build step, no library. */
(function () {
  "use strict";
  var POLL_MS = 1500;

  // One request per element at a time, none hanging longer than 10 s; a refresh asked for while
  // one is under way runs right after it.
  function refresh(el, scroll) {
    if (!el || !el.dataset.src) return Promise.resolve();
    if (el.dataset.busy === "1") { el.dataset.again = "1"; return Promise.resolve(); }
    el.dataset.busy = "1";
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 10000);
    return fetch(el.dataset.src, {cache: "no-store", signal: abort.signal}).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null || html === el.dataset.last) return;
      var atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      el.dataset.last = html;
      el.innerHTML = html;
      countdowns();
      unread();
      if (scroll && (atBottom || el.dataset.stick === "1")) el.scrollTop = el.scrollHeight;
      el.dataset.stick = "";
    }).catch(function () { /* the next poll tries again */ }).finally(function () {
      clearTimeout(timer);
      el.dataset.busy = "";
      if (el.dataset.again === "1") { el.dataset.again = ""; refresh(el, scroll); }
    });
  }

  // Unread marks: the count of messages a person has seen in each chat is kept in localStorage;
  // the open chat is always seen, the others show how many arrived since (all, if never opened).
  function unread() {
    var list = document.getElementById("chat-list");
    if (!list) return;
    var person = list.dataset.person;
    list.querySelectorAll(".chat-link[data-count]").forEach(function (link) {
      var count = Number(link.dataset.count || 0), key = "yq-seen:" + person + ":" + link.dataset.chat;
      var seen = localStorage.getItem(key);
      if (link.classList.contains("active")) { localStorage.setItem(key, String(count)); seen = count; }
      var fresh = count - Number(seen), badge = link.querySelector(".unread");
      if (badge) { badge.textContent = fresh > 0 ? String(fresh) : ""; badge.classList.toggle("on", fresh > 0); }
    });
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function countdowns() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = Math.round((Number(el.dataset.due) - now) / 1000);
      var s = Math.abs(left), text = two(Math.floor(s / 3600)) + ":" + two(Math.floor(s % 3600 / 60)) + ":" + two(s % 60);
      el.textContent = left >= 0 ? "剩余 " + text : "已超时 " + text;
      el.classList.toggle("overdue", left < 0);
    });
  }

  function notice(text) {
    var el = document.getElementById("notice");
    if (!el) return;
    el.textContent = text || "";
    el.classList.toggle("hidden", !text);
  }

  function post(form) {
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    return fetch(form.action, {method: "POST", body: new FormData(form), headers: {"X-Console-Fetch": "1"}})
      .then(function (r) { return r.json().catch(function () { return {ok: false, error: "HTTP " + r.status}; }); })
      .then(function (answer) {
        notice(answer.ok ? "" : answer.error);
        return answer;
      })
      .catch(function (err) { notice("发送失败：" + err); return {ok: false}; })
      .finally(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  }

  var messages = document.getElementById("messages");
  var side = document.getElementById("side");
  var chatList = document.getElementById("chat-list");

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList.contains("act-form")) return;
    ev.preventDefault();
    var text = form.querySelector("[name=text]");
    if (text && !text.value.trim()) return;
    post(form).then(function (answer) {
      if (answer.ok && text) text.value = "";
      if (messages) { messages.dataset.stick = "1"; refresh(messages, true); }
      refresh(side, false);
    });
  });

  var box = document.getElementById("composer-text");
  if (box) box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); box.form.requestSubmit(); }
  });

  var select = document.getElementById("person-select");
  if (select) select.addEventListener("change", function () { select.form.submit(); });

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest(".case-link");
    if (!link || !side) return;
    ev.preventDefault();
    var url = new URL(side.dataset.src, location.href);
    url.searchParams.set("case", link.dataset.case);
    side.dataset.src = url.pathname + url.search;
    var page = new URL(location.href);
    page.searchParams.set("case", link.dataset.case);
    history.replaceState(null, "", page.pathname + page.search);
    var drillCase = document.getElementById("drill-case");
    if (drillCase) drillCase.value = link.dataset.case;
    refresh(side, false);
  });

  if (messages) messages.scrollTop = messages.scrollHeight;
  countdowns();
  unread();
  setInterval(countdowns, 1000);
  setInterval(function () { refresh(chatList, false); }, POLL_MS * 2);
  setInterval(function () { refresh(messages, true); }, POLL_MS);
  setInterval(function () { refresh(side, false); }, POLL_MS * 2);
})();
