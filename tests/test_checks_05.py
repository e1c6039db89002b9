"""Hidden checks of notebook 05 (multilayer perceptrons), run in-process: the feedback a student reads for the usual
mistakes, and the short answers.

What every notebook's checks must do (the reference passes, stubs fail, catalogued bugs lose points where they say,
alternatives pass) is asked in test_catalog_checks.py.
"""
from autograder.catalog import load_catalog
from hidden_checks_harness import failed, judge_variant, messages, reference_for, sources_with
from test_catalog_checks import release_stubs

ASSIGNMENT = "05_mlp"
CATALOG = [entry for entry in load_catalog() if entry.assignment == ASSIGNMENT]


def judge_bug(answer, source, test_id):
    return judge_variant(ASSIGNMENT, test_id, {answer: source})


def bug_source(entry_id):
    return next(entry.source for entry in CATALOG if entry.id == entry_id)


# --- the reference and the stubs ----------------------------------------------------------------------------

def test_does_the_reference_net_keep_its_parameters_in_params():
    net = reference_for(ASSIGNMENT)["TwoLayerNet"](4, 3, 2)
    assert sorted(net.params) == ["W1", "W2", "b1", "b2"]


def test_does_a_stub_update_rule_cost_the_training_check_too():
    results = judge_bug("sgd", release_stubs(ASSIGNMENT)["sgd"], "test_TwoLayerNet_training")
    assert failed(results) == {"tiny_problem"}


# --- feedback in the student's terms --------------------------------------------------------------------------

def test_does_the_missing_regularization_diagnosis_say_so():
    found = messages(judge_bug("TwoLayerNet", bug_source("nb05_net_no_reg"), "test_TwoLayerNet_loss"))
    assert "no regularization" in found["reg_loss"]
    assert "add 2 * reg * W1" in found["reg_grads"] and "add 2 * reg * W2" in found["reg_grads"]
    assert "no_reg" not in found, "with reg = 0 the same net is right"


def test_is_the_halved_regularization_recognised():
    found = messages(judge_bug("TwoLayerNet", bug_source("nb05_net_half_reg"), "test_TwoLayerNet_loss"))
    assert "halved" in found["reg_loss"] and "without the 1/2" in found["reg_loss"]
    assert "the derivative of reg * W1**2 is 2 * reg * W1" in found["reg_grads"]


def test_are_regularized_biases_recognised():
    found = messages(judge_bug("TwoLayerNet", bug_source("nb05_net_reg_biases"), "test_TwoLayerNet_loss"))
    assert "The biases are regularized too" in found["reg_loss"]
    assert "biases are not regularized" in found["reg_grads"]


def test_does_a_mean_bias_gradient_get_explained():
    found = messages(judge_bug("affine_backward", bug_source("nb05_affine_backward_db_mean"), "test_affine_backward"))
    assert "gradient is the sum over the N rows" in found["rows"]


def test_does_x_at_w_plus_b_get_explained():
    found = messages(judge_bug("affine_forward", bug_source("nb05_affine_bias_in_weights"), "test_affine_forward"))
    assert "x @ (w + b)" in found["rows"]


def test_does_an_in_place_relu_get_reported_as_a_modified_input():
    found = messages(judge_bug("relu_forward", bug_source("nb05_relu_forward_in_place"), "test_relu_forward"))
    assert set(found) == {"input_kept"}
    assert "x changed during the call" in found["input_kept"]


def test_is_a_forward_pass_that_changes_x_not_blamed_on_backward():
    results = judge_bug("relu_forward", bug_source("nb05_relu_forward_in_place"), "test_relu_backward")
    assert not failed(results), messages(results)


def test_is_a_backward_pass_that_changes_its_cache_caught():
    source = ("def affine_backward(dout, cache):\n"
              "    x, w, b = cache\n"
              "    x.shape = (x.shape[0], -1)\n"
              "    return (dout @ w.T), x.T @ dout, dout.sum(axis=0)\n")
    found = messages(judge_bug("affine_backward", source, "test_affine_backward"))
    assert "affine_backward changed x in place" in found["inputs_kept"]


def test_does_a_mask_from_dout_get_explained():
    found = messages(judge_bug("relu_backward", bug_source("nb05_relu_backward_mask_from_dout"), "test_relu_backward"))
    assert "sign of the layer's input x" in found["values"]
    found = messages(judge_bug("relu_backward", bug_source("nb05_relu_backward_mutates_dout"), "test_relu_backward"))
    assert set(found) == {"inputs_kept"} and "relu_backward changed dout in place" in found["inputs_kept"]


def test_do_softmax_log10_and_global_shift_get_explained():
    found = messages(judge_bug("softmax_loss", bug_source("nb05_softmax_log10"), "test_softmax_loss"))
    assert "natural log" in found["lecture_table"]
    found = messages(judge_bug("softmax_loss", bug_source("nb05_softmax_global_shift"), "test_softmax_loss"))
    assert set(found) == {"huge_scores"} and "its own maximum" in found["huge_scores"]


def test_does_counting_the_correct_class_get_explained():
    found = messages(judge_bug("svm_loss", bug_source("nb05_svm_counts_correct_class"), "test_svm_loss"))
    assert "skip j = y_i" in found["lecture_table"]


def test_does_adam_feedback_name_bias_correction_and_t():
    found = messages(judge_bug("adam", bug_source("nb05_adam_no_bias_correction"), "test_adam"))
    assert "without bias correction" in found["explicit_config"]
    found = messages(judge_bug("adam", bug_source("nb05_adam_t_from_zero"), "test_adam"))
    assert "first step uses t = 1" in found["explicit_config"]


def test_does_lost_momentum_state_get_explained():
    found = messages(judge_bug("sgd_momentum", bug_source("nb05_momentum_velocity_not_kept"), "test_sgd_momentum"))
    assert "velocity must carry over between calls" in found["explicit_config"]
    assert "config['velocity']" in found["state_in_config"]
    found = messages(judge_bug("sgd_momentum", bug_source("nb05_momentum_global_velocity"), "test_sgd_momentum"))
    assert "never in a global variable" in found["separate_state"]


def test_does_training_with_an_uphill_sgd_fail_with_the_loss_it_reached():
    found = messages(judge_bug("sgd", bug_source("nb05_sgd_uphill"), "test_TwoLayerNet_training"))
    assert "the loss went from" in found["tiny_problem"] and "steps against the gradient" in found["tiny_problem"]


def test_are_initialization_mistakes_named():
    source = bug_source("nb05_net_init_ignores_weight_scale")
    found = messages(judge_bug("TwoLayerNet", source, "test_TwoLayerNet_init"))
    assert "standard deviation" in found["weight_scale"] and "should start at zero" in found["zero_biases"]
    found = messages(judge_bug("TwoLayerNet", bug_source("nb05_net_unseeded_init"), "test_TwoLayerNet_init"))
    assert set(found) == {"seeded"} and "same seed" in found["seeded"]


def test_is_a_net_reading_attributes_instead_of_params_caught():
    source = sources_with(ASSIGNMENT, {})["TwoLayerNet"].replace(
        'W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]',
        "W1, b1, W2, b2 = self.W1, self.b1, self.W2, self.b2").replace(
        'self.params["b2"] = np.zeros(num_classes)',
        'self.params["b2"] = np.zeros(num_classes)\n'
        '        self.W1, self.b1, self.W2, self.b2 = (self.params[k].copy() for k in ("W1", "b1", "W2", "b2"))')
    assert "self.W1, self.b1" in source
    found = messages(judge_bug("TwoLayerNet", source, "test_TwoLayerNet_scores"))
    assert "reading the weights from self.params" in found["scores"]


def test_do_the_short_answers_accept_equivalent_forms():
    answers = {"q_mlp_sigmoid_saturation": "sigmoid_slope_max = 1 / 4\nfive_sigmoids_factor = 9.77e-4\n",
               "q_mlp_gradient_scale": "sgd_scaled_step = ' a '\nadam_scaled_step = 'b'\n",
               "q_mlp_parameter_count": "num_params_digits = 7510\nnum_params_cifar = np.int64(308310)\n"}
    for grade_id, source in answers.items():
        assert not failed(judge_variant(ASSIGNMENT, "test_" + grade_id, {grade_id: source}))
    wrong = judge_variant(ASSIGNMENT, "test_q_mlp_parameter_count",
                          {"q_mlp_parameter_count": "num_params_digits = 7400\nnum_params_cifar = 308310\n"})
    assert failed(wrong) == {"digits"}
