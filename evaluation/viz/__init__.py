"""Layer 4, figures: each function draws one figure from a tidy table and returns it as a
:class:`~evaluation.viz.figure.Plot` (figure, alternative text, title) that displays itself in
Jupyter. The house style is applied only while a figure is built and rendered
(:func:`~evaluation.viz.figure.house_style`); every function takes ``title=`` and ``ax=``.
Imports the layers below."""
