// The survey page: reads the survey named by the token in the address and sends the answer,
// both through the JSON API. Every text from the server is set as text, never as markup.
"use strict";

(function () {
  const token = decodeURIComponent(location.pathname.replace(/^.*\/survey\//, ""));
  const api = "/api/v1/surveys/" + encodeURIComponent(token);
  const $ = (id) => document.getElementById(id);

  function say(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  async function problem(resp) {
    try {
      const p = await resp.json();
      return p.detail || "Something went wrong; please try again later.";
    } catch (_) {
      return "Something went wrong; please try again later.";
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
    $("closed").textContent = new Date(s.closed_at).toLocaleString();
    $("comment").maxLength = s.comment_max_chars;
    say("", false);
    $("ticket").hidden = false;
  }

  async function send(event) {
    event.preventDefault();
    const chosen = document.querySelector("input[name=score]:checked");
    if (!chosen) {
      say("Please choose a score from 1 to 5.", true);
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
      say("Thank you! Your answer has been recorded.", false);
    } else {
      say(await problem(resp), resp.status !== 409);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("form").addEventListener("submit", send);
    load().catch(() => say("The survey could not be loaded; please try again later.", true));
  });
})();
