"""Every behaviour of Keras and TensorFlow the book states: the sentences, nothing that checks them.

Each behaviour is demonstrated once, by the chapter cell that shows it, which asserts it and
records what it saw with :func:`labsupport.claims.evidence`.
"""

from __future__ import annotations

from labsupport.claims.registry import Behaviour

BEHAVIOURS = (
    Behaviour(
        "batchnorm.fold_vs_wrapper",
        (
            "With BatchNormalization in the CNN, folding the steps into the batch and "
            "wrapping the CNN in TimeDistributed agree at inference only. In training, "
            "TimeDistributed normalises each step's batch on its own and updates the moving "
            "statistics once per step; the fold normalises all batch × steps images together "
            "and updates them once."
        ),
        "08_cnn_lstm_mnist_quadrants",
    ),
    Behaviour(
        "bidirectional.two_copies",
        (
            "`Bidirectional` adds a second copy of the layer it wraps, with its own weights, "
            "that reads the steps from last to first: twice the count whatever `merge_mode`; "
            "`concat` doubles the width per step, `sum`, `mul` and `ave` keep it, `None` "
            "returns both outputs."
        ),
        "02b_the_recurrent_family",
    ),
    Behaviour(
        "conv.channels_first_cpu",
        (
            "On a CPU, whether a channels-first Conv2D runs depends on TensorFlow's kernels: "
            "with oneDNN on (TF_ENABLE_ONEDNN_OPTS=1) it runs, in predict and in fit; with "
            "oneDNN off (TF_ENABLE_ONEDNN_OPTS=0) TensorFlow's own kernels refuse it, as they"
            " support only the NHWC (channels-last) format. Which one TensorFlow picks when "
            "the variable is unset depends on the CPU. A channels-first MaxPooling2D runs "
            "either way."
        ),
        "08_cnn_lstm_mnist_quadrants",
        backends=("tensorflow",),
    ),
    Behaviour(
        "conv.default_channels_last",
        "Keras's default image data format is channels last: (batch, height, width, channels).",
        "08_cnn_lstm_mnist_quadrants",
    ),
    Behaviour(
        "conv.five_d_input_message",
        (
            "Keras 3's Conv2D accepts inputs of at least 4 axes (InputSpec min_ndim=4), so a "
            "5D sequence of images gets past the input check and fails when the 4D kernel "
            "meets it: 'Kernel shape must have the same length as input', raised while "
            "keras.Sequential builds the model, before any data is seen. Keras 1/2 said "
            "'expected ndim=4, found ndim=5'."
        ),
        "08_cnn_lstm_mnist_quadrants",
    ),
    Behaviour(
        "conv.flatten_into_lstm_message",
        (
            "A Flatten between the CNN and the LSTM leaves a 2D tensor; keras.Sequential "
            "refuses it while building, with 'expected ndim=3, found ndim=2' and the shape it"
            " received."
        ),
        "08_cnn_lstm_mnist_quadrants",
    ),
    Behaviour(
        "conv.reshape_total_size_message",
        (
            "A Reshape whose target does not hold the input's number of values fails while "
            "keras.Sequential builds, with 'The total size of the tensor must be unchanged' "
            "and both shapes (the input without its batch axis)."
        ),
        "08_cnn_lstm_mnist_quadrants",
    ),
    Behaviour(
        "conv_heads.batchnorm_statistics_are_averages",
        (
            "Batch normalization's moving mean and variance are non-trainable: training moves"
            " them by a running average of the batches, not by gradients."
        ),
        "06_convolutions_and_input_size",
    ),
    Behaviour(
        "conv_heads.global_pooling_loses_position",
        (
            "A head that ends in global pooling gives the same output when the image content "
            "moves: it keeps no position. Strided convolutions, then Flatten and Dense, keep "
            "it."
        ),
        "06_convolutions_and_input_size",
    ),
    Behaviour(
        "conv_heads.global_pooling_size_independent",
        (
            "Global average pooling turns a feature map of any height and width into one "
            "number per channel, so the Dense head after it has the same weights at every "
            "image size."
        ),
        "06_convolutions_and_input_size",
    ),
    Behaviour(
        "conv_heads.kernel_sets_conv_weights",
        (
            "A convolution's weights are set by its kernel and channels, not by the image: "
            "Conv2D(32, 3) on RGB has 896 at 32 × 32 and at 320 × 320."
        ),
        "06_convolutions_and_input_size",
    ),
    Behaviour(
        "conv_heads.stateless_scope_defers_values",
        (
            "Inside `keras.StatelessScope(initialize_variables=False)` Keras creates "
            "variables with their shapes but does not create their values until something "
            "reads them, so counting the parameters of a huge model takes almost no memory."
        ),
        "06_convolutions_and_input_size",
    ),
    Behaviour(
        "dense.last_axis_only",
        (
            "Dense acts on the last axis of its input and keeps the others: on (2, 3) "
            "samples, Dense(4) gives (None, 2, 4), each row computed as row @ kernel + bias."
        ),
        "05_dense_on_3d_input",
    ),
    Behaviour(
        "dense.other_axes_add_no_weights",
        (
            "The axes before the last add no weights: Dense(10) has 60 parameters on (20, 5) "
            "and on a single row of 5."
        ),
        "05_dense_on_3d_input",
    ),
    Behaviour(
        "dense.same_as_time_distributed",
        (
            "On a 3D input, Dense and TimeDistributed(Dense) have the same parameters and, "
            "with the same weights, give the same outputs."
        ),
        "05_dense_on_3d_input",
    ),
    Behaviour(
        "fitting.one_output_broadcasts_over_targets",
        (
            "A model with one output per sample, (1, 1), trains against five targets per "
            "sample, (1, 5), without an error or a warning: the mean squared error broadcasts"
            " the one prediction against all five targets."
        ),
        "03_many_to_one_echo",
    ),
    Behaviour(
        "fitting.whole_batch_fit_matches_fit_passes",
        (
            "model.fit(x, y, epochs=n, batch_size=len(x)) and the book's "
            "fit_passes(passes=n), started from the same weights, end with the same weights "
            "up to float rounding: a batch that holds every sample has the same mean gradient"
            " in any order, so fit's shuffling changes nothing."
        ),
        "01_one_to_one_echo",
    ),
    Behaviour(
        "input_api.input_shape_argument_warns",
        (
            "Keras 3 still accepts `input_shape=` on the first layer of a Sequential model "
            "and builds the model, but warns and recommends starting with "
            "`keras.Input(shape)`."
        ),
        "01_one_to_one_echo",
    ),
    Behaviour(
        "input_api.layer_input_shape_removed",
        (
            "Keras 3 layers have no `input_shape` or `output_shape` attribute; "
            "`layer.output.shape` and `model.inputs[0].shape` give the shapes instead."
        ),
        "01_one_to_one_echo",
    ),
    Behaviour(
        "losses.squeeze_target_rank",
        (
            "Keras 3's losses line up the ranks of target and prediction: a (1, 5) target "
            "against a (1, 5, 1) prediction gives the same loss as the (1, 5, 1) target. "
            "NumPy arithmetic does not: it broadcasts to (1, 5, 5)."
        ),
        "04_many_to_many_echo",
    ),
    Behaviour(
        "lstm.any_length_same_width",
        (
            "Built on `keras.Input((None, features))`, one LSTM reads sequences of any length"
            " and always returns one vector of `units` numbers."
        ),
        "03_many_to_one_echo",
    ),
    Behaviour(
        "lstm.forget_bias_keeps_state",
        (
            "The forget gate is the second block of an LSTM's weights; with its biases set "
            "high the state keeps a step-0 pulse to the last step of a long sequence."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Behaviour(
        "lstm.initial_state_hands_over",
        (
            "A decoder LSTM started from an encoder's final states with `initial_state=[h, c]` "
            "gains no weights from them, and the source reaches the decoder's outputs through "
            "them: another source with the same `target_so_far` gives other scores."
        ),
        "02b_the_recurrent_family",
    ),
    Behaviour(
        "lstm.last_step_is_default_output",
        (
            "`return_sequences=True` returns the hidden state after every step; its last step"
            " is exactly what the same LSTM returns by default."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Behaviour(
        "lstm.one_step_ignores_recurrent_weights",
        (
            "With one time step per sample an LSTM's recurrent weights never touch the "
            "output: the state they read starts at zero, so setting them to zero changes no "
            "prediction."
        ),
        "01_one_to_one_echo",
    ),
    Behaviour(
        "lstm.output_width_is_units",
        (
            "An LSTM returns `units` numbers per sample, whatever the number of steps or "
            "features it reads."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Behaviour(
        "lstm.return_state_adds_c",
        (
            "With `return_state=True` an LSTM returns its output, its final h and its final c,"
            " the states `(batch, units)` whatever the number of steps; without "
            "`return_sequences` the output is the final h again."
        ),
        "02b_the_recurrent_family",
    ),
    Behaviour(
        "lstm.stateful_carries_state",
        (
            "A stateful LSTM starts each call from the states the previous call ended with: "
            "a sequence fed in two pieces gives what a plain LSTM with the same weights gives "
            "for the whole; the same piece called again gives another output, until "
            "`reset_state()`."
        ),
        "02b_the_recurrent_family",
    ),
    Behaviour(
        "lstm.steps_do_not_change_params",
        (
            "The number of time steps never enters an LSTM's parameter count: LSTM(10) on 5 "
            "features has 640 for 13 steps, for 100 and for any length (`None`)."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Behaviour(
        "lstm.units_are_not_a_window",
        (
            "`units` is not a look-back window: two stacked LSTM(3) layers still respond at "
            "steps 4 and 10 to an input that differs only at step 0."
        ),
        "02_lstm_shapes_and_parameters",
    ),
    Behaviour(
        "masks.embedding_mask_zero",
        (
            "Embedding(mask_zero=True) makes a mask, True where the token is not 0; an "
            "Embedding without mask_zero makes none."
        ),
        "10_padding_and_masks",
    ),
    Behaviour(
        "masks.loss_averages_real_steps",
        (
            "Keras's loss averages the per-step errors over the real steps only when the "
            "model's output carries a mask, and over every step, padding included, when it "
            "does not. A per-step sample_weight of 1 at the real steps and 0 at the padding, "
            "with reduction='mean_with_sample_weight', gives the mean over the real steps on "
            "every Keras version, mask or not; the default reduction divides the weighted sum "
            "by every step."
        ),
        "10_padding_and_masks",
    ),
    Behaviour(
        "masks.lstm_last_output_ends_mask",
        "An LSTM without return_sequences ends the mask: its output carries none.",
        "10_padding_and_masks",
    ),
    Behaviour(
        "masks.lstm_sequences_pass_mask",
        (
            "Whether LSTM(return_sequences=True), and TimeDistributed(Dense(1)) after it, "
            "pass the mask on to the next layer depends on the Keras version; the chapter "
            "observes this build's. As reference results, not of this build: Keras 3.10.0, "
            "3.13.2 and 3.15.1 pass it on; with keras-team/keras PR #23235 (on master, for "
            "3.16), which sets supports_masking = False on RNN, Bidirectional and "
            "TimeDistributed, their outputs carry no mask and Keras warns that the mask is "
            "destroyed. Either way the LSTM uses the mask it is given."
        ),
        "10_padding_and_masks",
    ),
    Behaviour(
        "masks.masked_step_repeats_last_output",
        (
            "At a masked step an LSTM(return_sequences=True) leaves its state alone, and its "
            "output there depends on the kernel: the last real step's output, repeated "
            "(Keras's own step-by-step loop: TensorFlow on a CPU, JAX on any device), or zeros"
            " (the LSTMs of a Bidirectional, which asks them for zeros, as observed; and, by "
            "a comment in Keras's source, not observed on a CPU, TensorFlow's cuDNN kernel on "
            "a GPU)."
        ),
        "10_padding_and_masks",
    ),
    Behaviour(
        "masks.post_padded_final_output_unchanged",
        (
            "With a mask, the final output of an LSTM without return_sequences on a "
            "post-padded sequence equals the output on the sequence alone; without the mask "
            "it differs."
        ),
        "10_padding_and_masks",
    ),
    Behaviour(
        "masks.time_distributed_hands_step_mask",
        (
            "TimeDistributed hands each step's slice of the mask, one boolean per sequence, "
            "to a wrapped layer whose call takes a mask argument."
        ),
        "10_padding_and_masks",
    ),
    Behaviour(
        "padding.pad_sequences_front_by_default",
        (
            "keras.utils.pad_sequences pads with 0 at the front by default (padding='pre'), "
            "and with maxlen it also cuts a longer sequence at the front (truncating='pre')."
        ),
        "10_padding_and_masks",
    ),
    Behaviour(
        "sequence_length.fixed_model_reads_other_lengths",
        (
            "A Keras 3 model built with `keras.Input((5, 1))` predicts on a six-step sequence"
            " without an error or a warning, and still answers with five numbers."
        ),
        "03_many_to_one_echo",
        backends=("tensorflow", "jax"),
    ),
    Behaviour(
        "sequence_length.fixed_output_rejects_other_targets",
        (
            "Training a Dense(5)-headed model on six-value targets fails: the loss cannot "
            "compare 6 targets with 5 outputs."
        ),
        "03_many_to_one_echo",
    ),
    Behaviour(
        "target_shapes.only_a_trailing_one_is_dropped",
        (
            "Keras 3's loss lines up a (1, 5) target with a (1, 5, 1) prediction only because"
            " the last axis has size 1: against two values per step, (1, 5, 2), the same "
            "targets fail."
        ),
        "04_many_to_many_echo",
    ),
    Behaviour(
        "time_distributed.first_trace_sees_steps",
        (
            "Declaring an unknown number of steps, keras.Input((None, F)), does not stop the "
            "unrolling: predict and fit trace their function with the shape of the data they "
            "are given, so the first trace sees the step count and runs the inner layer once "
            "per step."
        ),
        "07_one_cnn_over_a_sequence",
        backends=("tensorflow",),
    ),
    Behaviour(
        "time_distributed.same_as_fold",
        (
            "For a layer whose output for one sample does not depend on the rest of the "
            "batch, TimeDistributed(layer) gives the same output as folding time into the "
            "batch axis, running the layer once, and unfolding; for Dense it is also the same"
            " as Dense on the 3D input. (BatchNormalization in training is the exception: "
            "batchnorm.fold_vs_wrapper.)"
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Behaviour(
        "time_distributed.unknown_steps_outcome",
        (
            "What that vectorized path returns depends on the Keras version. With Keras 3.15 "
            "on TensorFlow (the version this book is built with) it counts the batch instead "
            "of the steps: after predict on 5 steps, 2 sequences of 6 steps come back with "
            "their first 2 steps, and 8 sequences of 6 steps fail with an out-of-bounds index"
            " inside the graph (compiled without XLA; with XLA see "
            "time_distributed.xla_hides_index_error). Keras 3.10 and 3.13 keep every step (a "
            "reference result, not of this build)."
        ),
        "07_one_cnn_over_a_sequence",
        backends=("tensorflow",),
    ),
    Behaviour(
        "time_distributed.unknown_steps_vectorized",
        (
            "When a trace does see an unknown number of steps (predict called again with "
            "sequences of another length, so TensorFlow traces once more with the time axis "
            "left open), TimeDistributed takes its other path, vectorized_map: the inner "
            "layer's call runs once in that trace, not once per step."
        ),
        "07_one_cnn_over_a_sequence",
        backends=("tensorflow",),
    ),
    Behaviour(
        "time_distributed.unrolls_known_steps",
        (
            "With a known number of steps, Keras 3's TimeDistributed calls its inner layer "
            "once per step, in a Python loop, so the traced graph holds one copy of the layer"
            " per step: tracing predict on 3 steps runs the inner Dense 3 times, on 7 steps 7"
            " times. Dense on the 3D input, and the folded model, run it once whatever the "
            "number of steps."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Behaviour(
        "time_distributed.xla_hides_index_error",
        (
            "Compiled with XLA (jit_compile=True), the same model does not raise: XLA clamps "
            "the out-of-range index, so with Keras 3.15 on TensorFlow 8 sequences of 6 steps "
            "come back as an (8, 8, 2) tensor whose last two steps repeat the sixth, without "
            "an error. Keras's default, jit_compile='auto', means XLA on TensorFlow when "
            "TensorFlow sees a GPU and no XLA on a CPU alone. Where Keras keeps every step "
            "(3.10, 3.13), XLA changes nothing."
        ),
        "07_one_cnn_over_a_sequence",
        backends=("tensorflow",),
    ),
    Behaviour(
        "time_distributed_limits.conv3d_one_frame_deep",
        (
            "Conv3D(k, (1, 3, 3)) with a Conv2D's kernel (one more axis of size 1) computes "
            "the same output as TimeDistributed(Conv2D(k, 3)) on a clip, with the same number"
            " of parameters; a first kernel size above 1 mixes neighbouring frames."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Behaviour(
        "time_distributed_limits.embedding_mask_lost",
        (
            "TimeDistributed(Embedding(..., mask_zero=True)) produces no mask, so an LSTM "
            "after it reads the padding; passing mask=ops.not_equal(ids, 0) to the wrapped "
            "LSTM, or leaving the Embedding unwrapped (it embeds ids of any shape), gives the "
            "answer of the LSTM run on the real steps only."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Behaviour(
        "time_distributed_limits.lambda_fold_needs_unsafe_load",
        (
            "A model that folds time into the batch with keras.ops.reshape saves to .keras and"
            " loads with the default settings; the same fold in Lambda layers is refused by "
            "load_model unless safe_mode=False, and the loaded lambda then fails on its first "
            "call because it cannot see the notebook's names (ops)."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Behaviour(
        "time_distributed_limits.one_tensor",
        (
            "TimeDistributed takes one tensor: TimeDistributed(Add())([a, b]) and a wrapped "
            "model with two outputs raise ValueError while the model is built, although the "
            "docstring of its call speaks of nested tensors. Concatenating on the last axis "
            "first, or wrapping one model per output, works."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Behaviour(
        "time_distributed_limits.stateful_chains_steps",
        (
            "TimeDistributed(LSTM(..., stateful=True)) calls the LSTM once per outer step, and "
            "each call starts from the state the previous one left: within one call the "
            "outer steps run together as one long sequence (equal to a plain LSTM over them "
            "in a row), not as separate sequences."
        ),
        "07_one_cnn_over_a_sequence",
    ),
    Behaviour(
        "time_distributed_rules.adds_no_weights",
        (
            "Wrapping a layer or a whole model in TimeDistributed adds no weights: the "
            "wrapper's count is the wrapped model's."
        ),
        "05_dense_on_3d_input",
    ),
    Behaviour(
        "time_distributed_rules.lstm_needs_the_wrapper",
        (
            "An LSTM reads (batch, steps, features) and refuses a 4D sequence of sequences; "
            "wrapped in TimeDistributed it reads each inner sequence and returns one vector "
            "for each."
        ),
        "05_dense_on_3d_input",
    ),
    Behaviour(
        "time_distributed_rules.needs_3d_input",
        (
            "TimeDistributed needs an input with a time axis, at least 3D: after an LSTM "
            "without `return_sequences`, whose output is (None, 5), Keras 3 refuses to build "
            "the model."
        ),
        "04_many_to_many_echo",
    ),
    Behaviour(
        "time_distributed_rules.same_weights_every_step",
        (
            "TimeDistributed(Dense(1)) applies one kernel and one bias at every step: its "
            "output at step t is h_t · w + b, computed by hand."
        ),
        "04_many_to_many_echo",
    ),
)
