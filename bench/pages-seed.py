#!/usr/bin/env python3
# bench/pages-seed.py — seeds the knowledge base of a running Helpo for bench/pages.sh through
# the public Help Center API (one keep-alive connection, admin Basic auth from BENCH_AUTH):
# 5 categories, 20 sections, N articles (default 1,000) in English with Markdown bodies of
# 120–250 words from a Zipf vocabulary, every fifth one also translated to Latvian. The word
# "quokkahelp" is in exactly one article, "printer" in about a tenth.
#
#   BENCH_AUTH='Basic ...' bench/pages-seed.py http://127.0.0.1:18080 1000 OUT_DIR
# Writes OUT_DIR/article-paths.txt (one /hc/en/articles/ID-slug path per line).
import http.client, json, os, random, sys, urllib.parse

base, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
HDR = {"Authorization": os.environ["BENCH_AUTH"], "Content-Type": "application/json",
       "Accept": "application/json"}


def post(path, body):
    conn.request("POST", path, json.dumps(body), HDR)
    r = conn.getresponse()
    data = r.read()
    if r.status != 201:
        sys.exit(f"pages-seed: POST {path} -> {r.status}: {data[:300]!r}")
    return json.loads(data)


rnd = random.Random(42)
syll = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "pe", "da", "gu", "ze", "bo", "li"]
vocab = sorted({"".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4))) for _ in range(4000)})
weights = [1 / (i + 1) for i in range(len(vocab))]


def words(k):
    return rnd.choices(vocab, weights, k=k)


def body(i):
    paras = []
    for p in range(rnd.randint(3, 5)):
        ws = words(rnd.randint(30, 60))
        if i % 10 == 0 and p == 0:
            ws.insert(3, "printer")
        if i == n // 2 and p == 0:
            ws.insert(5, "quokkahelp")
        ws[rnd.randrange(len(ws))] = "**" + rnd.choice(vocab) + "**"
        paras.append(" ".join(ws).capitalize() + ".")
    paras.insert(1, "## " + " ".join(words(3)).capitalize())
    paras.append("\n".join(f"- {' '.join(words(5))}" for _ in range(3)))
    paras.append(f"See [the setup guide](/hc/en) for more.")
    return "\n\n".join(paras)


cats = [post("/api/v2/help_center/categories",
             {"category": {"name": f"Category {c} " + " ".join(words(2)), "locale": "en",
                           "description": " ".join(words(12))}})["category"]["id"]
        for c in range(5)]
secs = [post(f"/api/v2/help_center/categories/{cats[s % 5]}/sections",
             {"section": {"name": f"Section {s} " + " ".join(words(2)), "locale": "en",
                          "description": " ".join(words(10))}})["section"]["id"]
        for s in range(20)]
paths = []
for i in range(n):
    a = post(f"/api/v2/help_center/sections/{secs[i % 20]}/articles",
             {"article": {"title": f"How to {' '.join(words(4))} {i}", "locale": "en",
                          "draft": False, "body_markdown": body(i),
                          "label_names": [rnd.choice(vocab)]}})["article"]
    if i % 5 == 0:
        post(f"/api/v2/help_center/articles/{a['id']}/translations",
             {"translation": {"locale": "lv", "title": f"Kā {' '.join(words(4))} {i}",
                              "draft": False, "body_markdown": body(i)}})
    paths.append(urllib.parse.urlparse(a["html_url"]).path)
with open(os.path.join(out, "article-paths.txt"), "w") as f:
    f.write("\n".join(paths) + "\n")
print(f"categories=5 sections=20 articles={n} translations={(n + 4) // 5}")
