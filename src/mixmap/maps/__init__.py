"""Element maps in: reading files, splitting RGB composites, segmentation (paper Section 2.1).

* :mod:`.io` - one file per element (:func:`read_maps`, :func:`read_image`, mask detection);
* :mod:`.composite` - RGB composites (:func:`read_composite`, :func:`unmix`, :func:`overlay_mask`,
  :func:`parse_colour`);
* :mod:`.segment` - thresholding and one map pair per aggregate (:func:`binarize`,
  :func:`label_aggregates`).
"""

from .composite import COLOUR_NAMES, overlay_mask, parse_colour, read_composite, unmix
from .io import IMAGE_EXTENSIONS, read_image, read_maps
from .segment import THRESHOLD_METHODS, binarize, label_aggregates

__all__ = [
    "COLOUR_NAMES",
    "IMAGE_EXTENSIONS",
    "THRESHOLD_METHODS",
    "binarize",
    "label_aggregates",
    "overlay_mask",
    "parse_colour",
    "read_composite",
    "read_image",
    "read_maps",
    "unmix",
]
