"""Every figure the source material states: the data, nothing that computes it.

Each figure is computed once, by the chapter cell that teaches it, which calls
:func:`labsupport.claims.claim` with the key and its own result. The sources are the answers
and tutorials listed by section (A to F) on the book's introduction page; most were written for
Keras 1 or 2.
"""

from __future__ import annotations

from labsupport.claims.registry import Figure

FIGURES = (
    Figure(
        "A1.dense",
        "One-to-one echo: parameters of Dense(1) after LSTM(5)",
        6,
        "Unchanged.",
        "01_one_to_one_echo",
    ),
    Figure(
        "A1.lstm",
        "One-to-one echo: parameters of LSTM(5) on 1 feature",
        140,
        (
            "Unchanged. Keras 3 keeps one bias vector for each of the four blocks (three "
            "gates and the cell candidate), as Keras 2 did; TF1's CuDNNLSTM kept two and "
            "counted 160."
        ),
        "01_one_to_one_echo",
    ),
    Figure(
        "A2.dense",
        "Many-to-one echo: parameters of Dense(5) after LSTM(5)",
        30,
        "Unchanged.",
        "03_many_to_one_echo",
    ),
    Figure(
        "A2.lstm",
        "Many-to-one echo: parameters of LSTM(5) on 5 steps of 1 feature",
        140,
        "Unchanged; the number of time steps plays no part in the count.",
        "03_many_to_one_echo",
    ),
    Figure(
        "A3.dense",
        "Many-to-many echo: parameters of TimeDistributed(Dense(1))",
        6,
        (
            "Unchanged. In Keras 3 a plain Dense(1) on the 3D sequence has the same 6 weights"
            " and gives the same outputs; the wrapper is optional for Dense."
        ),
        "04_many_to_many_echo",
    ),
    Figure(
        "A3.lstm",
        "Many-to-many echo: parameters of LSTM(5, return_sequences=True)",
        140,
        "Unchanged; return_sequences changes the output shape, not the weights.",
        "04_many_to_many_echo",
    ),
    Figure(
        "B4.shape",
        "Dense(4) on input (2, 3): output shape",
        (None, 2, 4),
        (
            "Keras 1's Dense accepted 2D input only, (batch, features), so applying it at "
            "every step of a sequence needed TimeDistributed. Keras 2 applied Dense to the "
            "last axis of any input, though its documentation said an input of rank above 2 "
            "was flattened first; Keras 3 applies it to the last axis only and documents "
            "that."
        ),
        "05_dense_on_3d_input",
    ),
    Figure(
        "B5.params",
        "Dense(10) on input (20, 5): parameters",
        60,
        (
            "Keras 1's Dense accepted 2D input only, (batch, features), so applying it at "
            "every step of a sequence needed TimeDistributed. Keras 2 applied Dense to the "
            "last axis of any input, though its documentation said an input of rank above 2 "
            "was flattened first; Keras 3 applies it to the last axis only and documents "
            "that."
        ),
        "05_dense_on_3d_input",
    ),
    Figure(
        "B5.shape",
        "Dense(10) on input (20, 5): output shape",
        (None, 20, 10),
        (
            "Keras 1's Dense accepted 2D input only, (batch, features), so applying it at "
            "every step of a sequence needed TimeDistributed. Keras 2 applied Dense to the "
            "last axis of any input, though its documentation said an input of rank above 2 "
            "was flattened first; Keras 3 applies it to the last axis only and documents "
            "that."
        ),
        "05_dense_on_3d_input",
    ),
    Figure(
        "B6.flat",
        "Dense(10) on a flattened MNIST image (784,): parameters",
        7850,
        "Unchanged.",
        "05_dense_on_3d_input",
    ),
    Figure(
        "B6.rows",
        "Dense(10) on an MNIST image kept as (28, 28): parameters",
        290,
        (
            "Keras 1's Dense accepted 2D input only, (batch, features), so applying it at "
            "every step of a sequence needed TimeDistributed. Keras 2 applied Dense to the "
            "last axis of any input, though its documentation said an input of rank above 2 "
            "was flattened first; Keras 3 applies it to the last axis only and documents "
            "that."
        ),
        "05_dense_on_3d_input",
    ),
    Figure(
        "B6.shape",
        "Dense(10) on an MNIST image kept as (28, 28): output shape",
        (None, 28, 10),
        (
            "Keras 1's Dense accepted 2D input only, (batch, features), so applying it at "
            "every step of a sequence needed TimeDistributed. Keras 2 applied Dense to the "
            "last axis of any input, though its documentation said an input of rank above 2 "
            "was flattened first; Keras 3 applies it to the last axis only and documents "
            "that."
        ),
        "05_dense_on_3d_input",
    ),
    Figure(
        "C7.dense",
        "Dense(2) after LSTM(32): parameters",
        66,
        "Unchanged.",
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C7.lstm",
        "LSTM(32) on 10 steps × 64 features: parameters",
        12416,
        (
            "Unchanged in Keras 3: one bias vector for each of the four blocks (three gates "
            "and the cell candidate), as in Keras 2. Keras 1/2 examples wrote "
            "input_shape=(10, 64) on the layer; Keras 3 prefers keras.Input((10, 64))."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C8.steps100",
        "LSTM(10) on 100 steps × 5 features: parameters",
        640,
        (
            "Unchanged in Keras 3: one bias vector for each of the four blocks (three gates "
            "and the cell candidate), as in Keras 2."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C8.steps13",
        "LSTM(10) on 13 steps × 5 features: parameters",
        640,
        (
            "Unchanged in Keras 3: one bias vector for each of the four blocks (three gates "
            "and the cell candidate), as in Keras 2."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C9.last",
        "LSTM(32) output with return_sequences=False: (batch, units)",
        (None, 32),
        (
            "Unchanged. Keras 1/2 code read it from layer.output_shape; Keras 3 uses "
            "layer.output.shape."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C9.sequences",
        "LSTM(32) output with return_sequences=True: (batch, steps, units)",
        (None, 10, 32),
        (
            "Unchanged. Keras 1/2 code read it from layer.output_shape; Keras 3 uses "
            "layer.output.shape."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C10.first",
        "Stacked LSTM(3) on 3000 steps × 4 features: first layer",
        96,
        (
            "Unchanged in Keras 3: one bias vector for each of the four blocks (three gates "
            "and the cell candidate), as in Keras 2."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C10.second",
        "Stacked LSTM(3) on 3000 steps × 4 features: second layer",
        84,
        (
            "Unchanged in Keras 3: one bias vector for each of the four blocks (three gates "
            "and the cell candidate), as in Keras 2."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "C10.total",
        "Stacked LSTM(3) × 2 on 3000 steps × 4 features: total",
        180,
        (
            "Unchanged in Keras 3: one bias vector for each of the four blocks (three gates "
            "and the cell candidate), as in Keras 2."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Figure(
        "D11.frozen",
        "DenseNet121 + Dense(2): non-trainable parameters (batch-norm statistics)",
        83648,
        (
            "Unchanged. Keras 2 counted the same 7,033,282; Keras 3 builds DenseNet121 from "
            "the same layers."
        ),
        "06_convolutions_and_input_size",
    ),
    Figure(
        "D11.size224",
        "DenseNet121 (1 channel, avg pooling) + Dense(2) at 224×224: parameters",
        7033282,
        (
            "Unchanged. Keras 2 counted the same 7,033,282; Keras 3 builds DenseNet121 from "
            "the same layers."
        ),
        "06_convolutions_and_input_size",
    ),
    Figure(
        "D11.size512",
        "DenseNet121 (1 channel, avg pooling) + Dense(2) at 512×512: parameters",
        7033282,
        (
            "Unchanged. Keras 2 counted the same 7,033,282; Keras 3 builds DenseNet121 from "
            "the same layers."
        ),
        "06_convolutions_and_input_size",
    ),
    Figure(
        "D11.trainable",
        "DenseNet121 + Dense(2): trainable parameters",
        6949634,
        (
            "Unchanged. Keras 2 counted the same 7,033,282; Keras 3 builds DenseNet121 from "
            "the same layers."
        ),
        "06_convolutions_and_input_size",
    ),
    Figure(
        "D12.conv_out",
        "Conv2D(32, 3) on 320×320×3, no padding: output shape",
        (None, 318, 318, 32),
        "Unchanged.",
        "06_convolutions_and_input_size",
    ),
    Figure(
        "D12.dense",
        "The Dense(136) after Flatten: parameters",
        440091784,
        "Unchanged.",
        "06_convolutions_and_input_size",
    ),
    Figure(
        "D12.flat",
        "Flattened conv output: values per image",
        3235968,
        "Unchanged.",
        "06_convolutions_and_input_size",
    ),
    Figure(
        "D12.total",
        "320×320×3 → Conv2D(32, 3) → Flatten → Dense(136) → (68, 2): parameters",
        440092680,
        (
            "Unchanged. Building it the ordinary way allocates 1.76 GB of float32 weights; "
            "here it is built without initializing them."
        ),
        "06_convolutions_and_input_size",
    ),
    Figure(
        "E13.cnn_params",
        "CNN per frame: parameters of Conv2D(16, 5) on one channel",
        416,
        "Unchanged: 16 × (5 × 5 × 1) + 16.",
        "07_one_cnn_over_a_sequence",
    ),
    Figure(
        "E13.conv_output",
        "CNN per frame: Conv2D(16, 5, strides=2) output on a 256×256×1 image",
        (None, 126, 126, 16),
        "Unchanged: a 'valid' 5×5 convolution with stride 2 gives (256 − 5) // 2 + 1 = 126.",
        "07_one_cnn_over_a_sequence",
    ),
    Figure(
        "E13.features",
        "CNN per frame: features after Flatten",
        254016,
        "Unchanged: 126 × 126 × 16.",
        "07_one_cnn_over_a_sequence",
    ),
    Figure(
        "E13.model_params",
        "Three frames, one shared CNN called three times, then LSTM(32): parameters",
        32518688,
        (
            "Unchanged. Keras 3 stacks the three outputs with keras.ops.stack inside a "
            "functional model; the Q&A answer stacked the three CNN outputs into one (None, "
            "3, features) tensor with the Keras 2 tools of its day."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Figure(
        "E13.separate_conv_params",
        "Three separate CNNs instead of one shared: conv parameters (three times 416)",
        1248,
        "Unchanged.",
        "07_one_cnn_over_a_sequence",
    ),
    Figure(
        "E13.td_model_params",
        "The same model written with TimeDistributed(cnn): parameters",
        32518688,
        "Unchanged: the wrapper reuses the CNN's weights at every step.",
        "07_one_cnn_over_a_sequence",
    ),
    Figure(
        "E15.td_added_params",
        "Parameters TimeDistributed adds on top of the layer it wraps",
        0,
        (
            "Unchanged in count. The weight names changed: TF1-era tf.keras renamed the "
            "wrapped variables to time_distributed/kernel; Keras 3 keeps the inner layer's "
            "name in the path, time_distributed/conv2d/kernel, or the inner model's own path "
            "when it was built before being wrapped."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Figure(
        "F17.data_shape",
        "MNIST quadrants: training data, four height-stacked steps, channels first",
        (60000, 4, 1, 56, 14),
        (
            "The 60,000 is MNIST's full training set (counted from the file when full MNIST "
            "is at hand; the bundled sample has fewer). The book keeps Keras's default, "
            "channels last: the same data is (60000, 4, 56, 14, 1)."
        ),
        "08_cnn_lstm_mnist_quadrants",
    ),
    Figure(
        "F17.quadrant",
        "MNIST quadrants: height and width of one quadrant",
        (14, 14),
        "Unchanged: a 28 × 28 digit cut in four.",
        "08_cnn_lstm_mnist_quadrants",
    ),
    Figure(
        "F18.conv_output",
        "MNIST quadrants: Conv2D(32, 3) ×2 + MaxPooling2D(2) output per step, channels first",
        (None, 32, 26, 5),
        (
            "Shape inference accepts data_format='channels_first'. Running it on a CPU "
            "depends on TensorFlow's kernels: with oneDNN on (TF_ENABLE_ONEDNN_OPTS=1) it "
            "runs; TensorFlow's own kernels (oneDNN off, TF_ENABLE_ONEDNN_OPTS=0) refuse it; "
            "unset, the CPU decides; 'only supports the NHWC tensor format'. Channels last, "
            "Keras's default, runs on both and gives (None, 26, 5, 32) per step."
        ),
        "08_cnn_lstm_mnist_quadrants",
    ),
)
