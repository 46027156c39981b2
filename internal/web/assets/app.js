// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // The language switcher applies the choice at once; without JavaScript its button does.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    var button = el.form && el.form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // Time zone fields offer the zone this device is set to, one click to fill in.
  var deviceZone = "";
  try { deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { deviceZone = ""; }
  document.querySelectorAll("[data-zone-offer]").forEach(function (offer) {
    var input = document.getElementById(offer.getAttribute("data-zone-offer"));
    var button = offer.querySelector("button");
    if (!deviceZone || !input || !button) return;
    offer.querySelector("[data-zone-name]").textContent = deviceZone;
    offer.hidden = false;
    button.addEventListener("click", function () { input.value = deviceZone; input.focus(); });
  });
  // Intake: choosing another program puts its proposed case code in place of
  // the one proposed before (a code typed by hand stays).
  document.querySelectorAll("select#f-program").forEach(function (el) {
    var code = document.getElementById("f-case_code"), proposed = el.form && el.form.querySelector("input[name=proposed_code]");
    if (!code || !proposed) return;
    el.addEventListener("change", function () {
      if (code.value !== "" && code.value !== proposed.value) return;
      var opt = el.options[el.selectedIndex], next = (opt && opt.getAttribute("data-case-code")) || "";
      code.value = next;
      proposed.value = next;
    });
  });
  // Passkeys: the WebAuthn ceremonies of the account and second-factor pages.
  function b64urlToBuf(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function bufToB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: body === undefined ? "" : JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (data) {
        // A step that needs a fresh proof: confirm it is you, then come back.
        if (!res.ok && data && data.confirm) window.location.assign(data.confirm);
        if (!res.ok) throw new Error(data && data.error ? data.error : res.statusText);
        return data;
      });
    });
  }
  function showError(root, err, fallback) {
    var el = root.querySelector("[data-passkey-error]");
    if (!el) return;
    // A cancelled or timed-out browser prompt has no useful message of its own.
    el.textContent = err && err.name !== "NotAllowedError" && err.message ? err.message : fallback;
    el.hidden = false;
  }
  var passkeys = !!(window.PublicKeyCredential && navigator.credentials);
  document.querySelectorAll("[data-passkey-unsupported]").forEach(function (el) { el.hidden = passkeys; });
  if (passkeys) {
    document.querySelectorAll("form[data-passkey-register]").forEach(function (form) {
      form.hidden = false;
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var button = form.querySelector("button");
        button.disabled = true;
        post("/account/passkeys/options").then(function (opts) {
          var pk = opts.publicKey;
          pk.challenge = b64urlToBuf(pk.challenge);
          pk.user.id = b64urlToBuf(pk.user.id);
          (pk.excludeCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
          return navigator.credentials.create({ publicKey: pk });
        }).then(function (cred) {
          var r = cred.response;
          return post("/account/passkeys", {
            name: form.elements.name.value,
            credential: {
              id: cred.id, rawId: bufToB64url(cred.rawId), type: cred.type,
              clientExtensionResults: cred.getClientExtensionResults(),
              response: {
                clientDataJSON: bufToB64url(r.clientDataJSON),
                attestationObject: bufToB64url(r.attestationObject),
                transports: r.getTransports ? r.getTransports() : []
              }
            }
          });
        }).then(function (data) {
          var next = form.getAttribute("data-next") || "/account";
          var box = document.querySelector("[data-passkey-codes]");
          if (!data.codes || !data.codes.length || !box) { window.location.assign(next); return; }
          var list = box.querySelector("ol");
          data.codes.forEach(function (c) {
            var li = document.createElement("li"), code = document.createElement("code");
            code.textContent = c;
            li.appendChild(code);
            list.appendChild(li);
          });
          box.hidden = false;
          form.closest(".factor-choices").hidden = true;
          box.querySelector("a").focus();
        }).catch(function (err) {
          button.disabled = false;
          showError(form, err, form.getAttribute("data-error"));
        });
      });
    });
    document.querySelectorAll("[data-passkey-login]").forEach(function (box) {
      box.hidden = false;
      var button = box.querySelector("button");
      button.addEventListener("click", function () {
        button.disabled = true;
        // The second-factor step of signing in, or the "confirm it is you"
        // page, which sends the password with the passkey.
        var password = box.getAttribute("data-password");
        post(box.getAttribute("data-options") || "/login/passkey/options").then(function (opts) {
          var pk = opts.publicKey;
          pk.challenge = b64urlToBuf(pk.challenge);
          (pk.allowCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
          return navigator.credentials.get({ publicKey: pk });
        }).then(function (cred) {
          var r = cred.response;
          var answer = {
            id: cred.id, rawId: bufToB64url(cred.rawId), type: cred.type,
            clientExtensionResults: cred.getClientExtensionResults(),
            response: {
              clientDataJSON: bufToB64url(r.clientDataJSON),
              authenticatorData: bufToB64url(r.authenticatorData),
              signature: bufToB64url(r.signature),
              userHandle: r.userHandle ? bufToB64url(r.userHandle) : null
            }
          };
          if (password) answer = { password: document.getElementById(password).value, credential: answer };
          return post(box.getAttribute("data-finish") || "/login/passkey", answer);
        }).then(function () {
          // Signed in: the form carries on to the next page or the kept form.
          document.getElementById(box.getAttribute("data-form")).submit();
        }).catch(function (err) {
          button.disabled = false;
          showError(box, err, box.getAttribute("data-error"));
        });
      });
    });
  }
  // On a phone the navigation folds behind the Menu button (without
  // script it stays open).
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("menu");
  if (toggle && menu) {
    toggle.hidden = false;
    menu.classList.add("collapsible");
    toggle.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // A report prints its charts' figures: open their tables before printing.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".report-chart details").forEach(function (d) { d.open = true; });
  });
  // After a refused save, move focus to the summary so screen readers announce it.
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();
})();
