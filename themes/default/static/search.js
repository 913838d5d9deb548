// Site search for byline's default theme: asks the Pagefind index that `byline build` wrote
// into /pagefind/ (nothing is requested from another host) and lists the stories it finds.
// The words come from the page (data-* attributes of the form, from the theme's strings).
(() => {
  const form = document.querySelector("form[data-index]");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".search-results");
  const words = form.dataset;
  let index = null;
  let asked = 0;

  const say = (text, query, count) =>
    text.replaceAll("{query}", query).replaceAll("{n}", String(count));

  const card = (result) => {
    const item = document.createElement("li");
    const article = document.createElement("article");
    article.className = "card";
    const title = document.createElement("h2");
    title.className = "card-title";
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    title.append(link);
    const excerpt = document.createElement("p");
    excerpt.className = "card-summary";
    // Pagefind's excerpt is the page's own text, escaped, with <mark> around the words found.
    excerpt.innerHTML = result.excerpt;
    article.append(title, excerpt);
    item.append(article);
    return item;
  };

  const search = async (query) => {
    const ticket = ++asked;
    list.replaceChildren();
    if (!query.trim()) {
      status.textContent = "";
      return;
    }
    status.textContent = words.searching;
    try {
      index ??= await import(words.index);
      const found = await index.search(query);
      const results = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
      if (ticket !== asked) return;
      const count = found.results.length;
      const text = count === 0 ? words.none : count === 1 ? words.foundOne : words.foundOther;
      status.textContent = say(text, query, count);
      list.replaceChildren(...results.map(card));
    } catch {
      if (ticket === asked) status.textContent = words.unavailable;
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    search(input.value);
  });
  let typing;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => search(input.value), 250);
  });
  const query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
})();
