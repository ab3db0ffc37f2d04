/*
 * NCALayer client (ID-4): signs the exact document of a "sign with EDS" component with NCALayer,
 * the national signing application, over its local WebSocket, then posts the CMS to the server,
 * which verifies it. No framework, no inline script (the page's CSP is script-src 'self').
 *
 * A component is an element with [data-eds-sign]:
 *   data-ncalayer-url      where NCALayer listens (wss://127.0.0.1:13579/, or the sandbox's ws://)
 *   data-eds-data          base64 of the exact bytes to sign
 *   data-eds-eku           extended key usage of the key to offer (SIGN or AUTH)
 *   data-eds-iin/-bin      whose keys to offer (optional)
 *   data-eds-storages      JSON list of key stores NCALayer may use
 *   data-eds-locale        NCALayer's language (kk, ru, en)
 *   data-eds-signer-select id of a <select> whose value "IIN" or "IIN|BIN" overrides iin/bin
 * and inside it: form[data-eds-form] with input[data-eds-cms], button[data-eds-button],
 * [data-eds-status] (a polite live region), [data-eds-error] (an alert region, empty until an
 * error) and
 * template[data-eds-messages] holding the translated messages, one [data-key] element each.
 */
(function () {
  "use strict";

  var MODULE = "kz.gov.pki.knca.basics";
  var HEARTBEAT = "--heartbeat--";

  function SigningFailure(kind, detail) {
    this.kind = kind;
    this.detail = detail || "";
  }

  function messageFor(root, key, detail) {
    var template = root.querySelector("template[data-eds-messages]");
    var node = template && template.content.querySelector('[data-key="' + key + '"]');
    var text = node ? node.textContent.trim() : key;
    return text.replace("{detail}", function () {
      return detail || "";
    });
  }

  /* One request to NCALayer; resolves with its answer (parsed JSON). */
  function callNCALayer(url, request, onOpen) {
    return new Promise(function (resolve, reject) {
      var socket;
      var opened = false;
      var settled = false;

      function finish(callback, value) {
        if (settled) {
          return;
        }
        settled = true;
        try {
          socket.close();
        } catch (ignored) {
          /* already closed */
        }
        callback(value);
      }

      try {
        socket = new WebSocket(url);
      } catch (error) {
        reject(new SigningFailure("not_running", String(error)));
        return;
      }
      socket.onopen = function () {
        opened = true;
        socket.send(JSON.stringify(request));
        if (onOpen) {
          onOpen();
        }
      };
      socket.onerror = function () {
        if (!opened) {
          finish(reject, new SigningFailure("not_running"));
        }
      };
      socket.onclose = function () {
        finish(reject, new SigningFailure(opened ? "lost" : "not_running"));
      };
      socket.onmessage = function (event) {
        if (typeof event.data !== "string" || event.data === HEARTBEAT) {
          return;
        }
        var answer;
        try {
          answer = JSON.parse(event.data);
        } catch (ignored) {
          return;
        }
        // NCALayer greets every connection with its version before answering.
        if (answer && answer.result && answer.result.version && !("status" in answer)) {
          return;
        }
        finish(resolve, answer);
      };
    });
  }

  /* NCALayer's own words for a failure: its message and, when it gives them, the details,
     each without a closing full stop (the translated sentence around them has its own). */
  function failureDetail(answer) {
    return [answer.message, answer.details]
      .filter(function (part) {
        return typeof part === "string" && part.trim() !== "";
      })
      .map(function (part) {
        return part.trim().replace(/[.\s]+$/, "");
      })
      .join(": ") || String(answer.code || "");
  }

  /* The CMS from NCALayer's answer, as it gave it (PEM text, or base64), or a SigningFailure.
     One document's CMS is a string; a list is accepted when it holds exactly one. */
  function signatureFrom(answer) {
    if (answer && answer.status === true) {
      var result = answer.body ? answer.body.result : undefined;
      if (Array.isArray(result)) {
        if (result.length > 1) {
          throw new SigningFailure("protocol");
        }
        result = result[0];
      }
      if (result === undefined || result === null || result === "") {
        // NCALayer answers a closed key dialogue with success and no result.
        throw new SigningFailure("cancelled");
      }
      if (typeof result !== "string") {
        throw new SigningFailure("protocol");
      }
      return result;
    }
    if (answer && answer.status === false) {
      throw new SigningFailure("ncalayer_error", failureDetail(answer));
    }
    throw new SigningFailure("protocol");
  }

  function signerFrom(root) {
    var iin = root.getAttribute("data-eds-iin") || "";
    var bin = root.getAttribute("data-eds-bin") || "";
    var selectId = root.getAttribute("data-eds-signer-select");
    var select = selectId ? document.getElementById(selectId) : null;
    if (select && select.value) {
      var parts = select.value.split("|");
      iin = parts[0];
      bin = parts[1] || "";
    }
    var signer = { extKeyUsageOids: [root.getAttribute("data-eds-eku")] };
    if (iin) {
      signer.iin = iin;
    }
    if (bin) {
      signer.bin = bin;
    }
    return signer;
  }

  function signRequest(root) {
    var storages = [];
    try {
      storages = JSON.parse(root.getAttribute("data-eds-storages") || "[]");
    } catch (ignored) {
      storages = [];
    }
    return {
      module: MODULE,
      method: "sign",
      args: {
        allowedStorages: storages,
        format: "cms",
        data: root.getAttribute("data-eds-data"),
        signingParams: { decode: true, encapsulate: false, digested: false },
        signerParams: signerFrom(root),
        locale: root.getAttribute("data-eds-locale") || "kk",
      },
    };
  }

  function init(root) {
    if (root.hasAttribute("data-eds-ready")) {
      return;
    }
    root.setAttribute("data-eds-ready", "");
    var form = root.querySelector("form[data-eds-form]");
    var button = root.querySelector("[data-eds-button]");
    var cmsField = root.querySelector("input[data-eds-cms]");
    var status = root.querySelector("[data-eds-status]");
    var errorBox = root.querySelector("[data-eds-error]");
    if (!form || !button || !cmsField || !status || !errorBox) {
      return;
    }
    button.hidden = false;

    // aria-disabled rather than disabled: a disabled button would drop the keyboard focus.
    var busy = false;

    function showStatus(key, detail) {
      status.textContent = messageFor(root, key, detail);
    }

    function showError(key, detail) {
      status.textContent = "";
      errorBox.textContent = messageFor(root, key, detail);
      busy = false;
      button.removeAttribute("aria-disabled");
    }

    button.addEventListener("click", function () {
      if (busy) {
        return;
      }
      errorBox.textContent = "";
      cmsField.value = "";
      // Fields of the same form (a required choice) are checked by the server first: it answers
      // with its own error summary and keeps what was chosen.
      if (!form.checkValidity()) {
        form.submit();
        return;
      }
      busy = true;
      button.setAttribute("aria-disabled", "true");
      showStatus("connecting");
      callNCALayer(root.getAttribute("data-ncalayer-url"), signRequest(root), function () {
        showStatus("choose_key");
      })
        .then(signatureFrom)
        .then(function (cms) {
          cmsField.value = cms;
          showStatus("sending");
          form.submit();
        })
        .catch(function (failure) {
          if (failure instanceof SigningFailure) {
            showError(failure.kind, failure.detail);
          } else {
            showError("protocol", String(failure));
          }
        });
    });
  }

  function initAll() {
    document.querySelectorAll("[data-eds-sign]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
