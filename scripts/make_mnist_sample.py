"""Draw the stratified MNIST sample that ships inside labsupport.

Usage: python scripts/make_mnist_sample.py PATH/TO/mnist.npz
"""

import sys
from pathlib import Path

import numpy as np

from labsupport.data import SAMPLE_NAME, read_mnist_npz, stratified_sample

TRAIN_PER_CLASS, TEST_PER_CLASS = 300, 100


def main(source: str) -> None:
    arrays = read_mnist_npz(source)
    x_train, y_train = stratified_sample(
        arrays["x_train"], arrays["y_train"], TRAIN_PER_CLASS, seed=0
    )
    x_test, y_test = stratified_sample(arrays["x_test"], arrays["y_test"], TEST_PER_CLASS, seed=1)
    out = Path(__file__).resolve().parents[1] / "labsupport" / "_data" / SAMPLE_NAME
    np.savez_compressed(out, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"wrote {out}: {len(x_train)} training and {len(x_test)} test images")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
