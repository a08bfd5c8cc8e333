"""JSON API (django-ninja): token auth, cycles, cards, ratings, transitions, appeals."""
