// The survey page: reads the survey named by the token in the address and sends the answer,
// both through the JSON API. Every text from the server is set as text, never as markup.
// It speaks the language the address asks for (`?lang=zh` or `?lang=en`, as the closing
// e-mail's link gives it), else the browser's: Simplified Chinese or English.
"use strict";

(function () {
  const token = decodeURIComponent(location.pathname.replace(/^.*\/survey\//, ""));
  const api = "/api/v1/surveys/" + encodeURIComponent(token);
  const $ = (id) => document.getElementById(id);

  const TEXTS = {
    en: {
      title: "How did we do?",
      loading: "Loading your survey…",
      request: "Your request",
      closed_on: "was closed on",
      end: ".",
      question: "How satisfied are you with how we handled it?",
      s1: "1 - very dissatisfied",
      s2: "2 - dissatisfied",
      s3: "3 - neutral",
      s4: "4 - satisfied",
      s5: "5 - very satisfied",
      comment: "Anything you would like to tell us? (optional)",
      send: "Send",
      wrong: "Something went wrong; please try again later.",
      choose: "Please choose a score from 1 to 5.",
      thanks: "Thank you! Your answer has been recorded.",
      unloadable: "The survey could not be loaded; please try again later.",
      used: "This link has already been used.",
      answered: "This request has already been rated. Thank you!",
      expired: "This link has expired.",
      missing: "This survey link is not valid.",
    },
    zh: {
      title: "请评价我们的服务",
      loading: "正在加载评价…",
      request: "您的服务请求",
      closed_on: "已于",
      end: "关闭。",
      question: "您对我们的处理是否满意？",
      s1: "1 - 非常不满意",
      s2: "2 - 不满意",
      s3: "3 - 一般",
      s4: "4 - 满意",
      s5: "5 - 非常满意",
      comment: "还有什么想告诉我们的吗？（选填）",
      send: "提交",
      wrong: "出现问题，请稍后再试。",
      choose: "请选择 1 到 5 分。",
      thanks: "谢谢！您的评价已记录。",
      unloadable: "无法加载评价页面，请稍后再试。",
      used: "此链接已使用过。",
      answered: "此请求已评价过，谢谢！",
      expired: "此链接已过期。",
      missing: "此评价链接无效。",
    },
  };

  function chooseLanguage() {
    const asked = new URLSearchParams(location.search).get("lang");
    if (asked && TEXTS[asked]) return asked;
    const browser = (navigator.language || "").toLowerCase();
    return browser.startsWith("zh") ? "zh" : "en";
  }

  const lang = chooseLanguage();
  const T = TEXTS[lang];
  // The problem codes the page explains in the reader's language; others show the server's text.
  const CODES = { link_used: "used", survey_answered: "answered", link_expired: "expired", not_found: "missing" };

  function translatePage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-t]").forEach((el) => {
      el.textContent = T[el.dataset.t];
    });
  }

  function say(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  async function problem(resp) {
    try {
      const p = await resp.json();
      if (CODES[p.code]) return T[CODES[p.code]];
      return (lang === "en" && p.detail) || T.wrong;
    } catch (_) {
      return T.wrong;
    }
  }

  async function load() {
    const resp = await fetch(api, { headers: { Accept: "application/json" } });
    if (!resp.ok) {
      say(await problem(resp), resp.status !== 409);
      return;
    }
    const s = await resp.json();
    $("number").textContent = s.ticket_number;
    $("summary").textContent = "(" + s.summary + ")";
    $("closed").textContent = new Date(s.closed_at).toLocaleString(lang === "zh" ? "zh-CN" : "en");
    $("comment").maxLength = s.comment_max_chars;
    say("", false);
    $("ticket").hidden = false;
  }

  async function send(event) {
    event.preventDefault();
    const chosen = document.querySelector("input[name=score]:checked");
    if (!chosen) {
      say(T.choose, true);
      return;
    }
    const comment = $("comment").value.trim();
    const body = { score: Number(chosen.value) };
    if (comment) body.comment = comment;
    const resp = await fetch(api, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (resp.status === 201) {
      $("ticket").hidden = true;
      say(T.thanks, false);
    } else {
      say(await problem(resp), resp.status !== 409);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    translatePage();
    $("form").addEventListener("submit", send);
    load().catch(() => say(T.unloadable, true));
  });
})();
