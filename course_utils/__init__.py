"""The course's helpers for students' notebooks: infrastructure only, never the answer to a graded exercise.

Import the part you need; each is one concern:

- ``course_utils.data``: the bundled digits, CIFAR-10 (loader and download), toy 2-D sets, splits, preprocessing
- ``course_utils.gradcheck``: numerical gradients and gradient checks with verdicts (CS231n-compatible names)
- ``course_utils.checks``: the visible checks under each exercise (``check_close``, ``check_shape``...)
- ``course_utils.plots``: image grids, weight templates, decision regions, training curves, heatmaps
- ``course_utils.features``: colour/intensity histograms and bag-of-words features (notebook 01)
- ``course_utils.graph_drawing``: drawing any Value expression with each node's op, value and gradient (notebook 04)
- ``course_utils.training``: a minibatch trainer that takes the student's model and update rule (notebook 05)
- ``course_utils.widgets``: the interactive widgets (ipywidgets), fed with the student's own functions
"""
