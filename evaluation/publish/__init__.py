"""Layer 5, publishing: the ``evaluate`` pipeline (papermill, HTML, manifest), the reviewers' ``verify``, the notebooks' publisher and the HTML templates. Imports the layers below."""
