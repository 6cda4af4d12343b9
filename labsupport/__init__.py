"""Helpers for the TimeDistributed lab book.

The package is imported by every chapter. Importing it is cheap and has no side effects:
TensorFlow and Keras are imported only by the functions that need them.
"""

from labsupport.config import check_keras, fast_mode, glue, pick, show_mode

__all__ = ["check_keras", "fast_mode", "glue", "pick", "show_mode", "__version__"]
__version__ = "0.1.0"
