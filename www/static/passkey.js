// Security keys and passkeys (WebAuthn): a form with data-passkey="register" or "sign-in"
// carries the server's challenge in data- attributes; its button runs
// navigator.credentials.create or .get, and the answer goes back as an ordinary form post
// (base64url in hidden fields, with the form token), so the server stays form-based.
"use strict";
(function () {
  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var text = atob(base64), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function credentials(list) {
    return (list || "").split(",").filter(Boolean).map(function (id) {
      return { type: "public-key", id: toBytes(id) };
    });
  }

  function set(form, name, value) { form.elements[name].value = value; }

  function options(form) {
    var data = form.dataset;
    if (data.passkey === "register") {
      return { publicKey: {
        challenge: toBytes(data.challenge),
        rp: { id: data.rpId, name: "authtoken" },
        user: { id: toBytes(data.userId), name: data.userName, displayName: data.userName },
        pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -8 }],
        excludeCredentials: credentials(data.exclude),
        authenticatorSelection: { userVerification: "preferred", residentKey: "discouraged" },
        attestation: "none",
        timeout: 300000
      } };
    }
    return { publicKey: {
      challenge: toBytes(data.challenge),
      rpId: data.rpId,
      allowCredentials: credentials(data.allow),
      userVerification: "preferred",
      timeout: 300000
    } };
  }

  function run(form, error) {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      error.textContent = "This browser cannot use security keys.";
      error.hidden = false;
      return;
    }
    var register = form.dataset.passkey === "register";
    var call = register ? navigator.credentials.create(options(form)) : navigator.credentials.get(options(form));
    call.then(function (credential) {
      var answer = credential.response;
      set(form, "clientDataJSON", toBase64url(answer.clientDataJSON));
      if (register) {
        set(form, "attestationObject", toBase64url(answer.attestationObject));
      } else {
        set(form, "credentialID", toBase64url(credential.rawId));
        set(form, "authenticatorData", toBase64url(answer.authenticatorData));
        set(form, "signature", toBase64url(answer.signature));
        set(form, "userHandle", answer.userHandle ? toBase64url(answer.userHandle) : "");
      }
      form.submit();
    }, function (reason) {
      error.textContent = "The security key did not answer (" + (reason && reason.name ? reason.name : "error")
        + "). Try again" + (register ? "." : ", or enter a code.");
      error.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-passkey]");
    if (!form) return;
    var error = document.getElementById("passkey-error");
    form.querySelector("[data-passkey-start]").addEventListener("click", function () {
      error.hidden = true;
      run(form, error);
    });
  });
})();
