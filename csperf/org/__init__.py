"""Organisation: company, departments, teams, positions, employees, moves and roles."""
