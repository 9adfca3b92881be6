"""Layer 4, figures: each function draws one figure from a tidy table and returns it with its alternative text. Imports the layers below."""
