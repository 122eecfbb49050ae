"""Chemistry data shared by the spectral and precursor analyses.

Elements, formulas, X-ray lines and X-ray generation volumes.
"""
