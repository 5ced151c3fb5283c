"""The innovation pipeline's REST API, and the stateless experiment calculator.

Every view has the house shape: validate the input, check access through
``innovation.access``, call one service or selector (or one function of the analysis core),
serialise the output. Routes are in ``innovation.api_urls``.
"""
