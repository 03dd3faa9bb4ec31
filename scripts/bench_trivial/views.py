from django.shortcuts import render

ITEMS = ["Gatineau", "Calgary", "Québec", "Kahnawà:ke", "Whitehorse"]


def trivial_page(request):
    return render(request, "bench_trivial/page.html", {"title": "PeerNet", "items": ITEMS})
