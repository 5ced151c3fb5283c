"""The analysis core: pure Python with numpy/scipy/statsmodels.

Nothing in this package imports Django; every function takes plain values and returns plain
values (dataclasses, floats, lists), so it can be tested on its own against reference values.
"""
