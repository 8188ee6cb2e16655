// Card entry for the checkout page. Stripe.js (or localstripe's stand-in in sandbox) owns the card
// fields; our code only ever sees a token. Every function resolves to a plain object, never throws.
(function () {
  if (window.esimMountCard) return; // loaded again by a client-side navigation: keep the mounted card
  let stripe = null;
  let card = null;

  // Resolves to what `probe` returns once it is truthy (checked every 50 ms), or null after `ms`.
  function waitFor(probe, ms) {
    return new Promise((resolve) => {
      const started = Date.now();
      (function wait() {
        const found = probe();
        if (found) return resolve(found);
        if (Date.now() - started > ms) return resolve(null);
        setTimeout(wait, 50);
      })();
    });
  }

  // Stripe.js from the card container's `data-stripe-js`, once a card is wanted (a page that does not
  // name it loads Stripe.js itself): a visitor who is not signed in never runs it.
  function loadStripe(target) {
    const src = target.dataset.stripeJs;
    if (window.Stripe || !src || document.querySelector(`script[src="${src}"]`)) return;
    const script = document.createElement("script");
    script.src = src;
    document.head.append(script);
  }

  window.esimMountCard = async function (publishableKey, selector) {
    try {
      // The server asks for the card as the page loads; React may not have drawn its container yet.
      const target = await waitFor(() => document.querySelector(selector), 5000);
      if (!target) return { error: "The card form is not on this page." };
      loadStripe(target);
      const Stripe = await waitFor(() => window.Stripe, 15000);
      if (!Stripe) throw new Error("Stripe.js did not load");
      if (!stripe) {
        stripe = Stripe(publishableKey);
        card = stripe.elements().create("card", { hidePostalCode: true });
      }
      if (!target.childElementCount) {
        try { card.unmount(); } catch (e) { /* never mounted */ }
        card.mount(target); // a new page render: move the card fields into it
      }
      return { ready: true };
    } catch (e) {
      return { error: "The card form could not load. Check your connection and reload the page." };
    }
  };

  window.esimTokeniseCard = async function () {
    if (!stripe || !card) return { error: "The card form is still loading." };
    const result = await stripe.createToken(card);
    if (result && result.token) return { token: result.token.id };
    const message = result && result.error && result.error.message;
    return { error: message || "Check the card number, expiry date and security code." };
  };

  window.esimAuthenticate = async function (clientSecret) {
    if (!stripe) return { error: "The card form is still loading." };
    const result = await stripe.confirmCardPayment(clientSecret);
    if (result && result.error) return { error: result.error.message || "Authentication failed." };
    return { status: (result && result.paymentIntent && result.paymentIntent.status) || "" };
  };
})();
