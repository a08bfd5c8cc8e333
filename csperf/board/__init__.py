"""Team board (班组看板): ranking, grades, pending ratings, alerts and improvement plans."""
