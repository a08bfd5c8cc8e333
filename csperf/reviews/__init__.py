"""Cards, ratings, the rating workflow and appeals."""
