"""The course's benchmark suite, separate from the tests: ``python -m benchmarks`` (from the repository root).

Groups (each runs alone with ``--only NAME``; ``--quick`` is a smoke run with small sizes and few repeats):

1. losses     the SVM and softmax losses at the CS231n development size (N=500, D=3073, C=10, float64): naive /
              vectorized, and vectorized loss+grad / its floor, the products X @ W and X.T @ G (target <= 1.3x)
2. gradcheck  grad_check_sparse's cost per check in loss evaluations; the full numerical gradient's cost vs size
3. training   a two-layer net training step (batch 200, D=3072, H=100, C=10) / its matrix-product floor; samples/s
4. notebooks  each source notebook top to bottom (target < 60 s each, < 120 s in all)
5. autograde  grading a sample class with ``course autograde`` vs sequential plain ``nbgrader autograde``
              (target >= 1.8x on 2 cores) and the overhead per notebook beyond executing it (target <= 1.5 s)
6. widgets    Python-side time of one widget interaction, median and p95 (target median <= 50 ms)

Method: every figure is a ratio to a baseline measured in the same process and run (the tests never assert a
speed). Each timing repeats the operation after a warm-up and reports the median (and the p95 where asked) of
time.perf_counter samples; operations that are compared run in interleaved rounds so a busy spell of the shared
machine hits them alike. BLAS threads are pinned (--threads, default 1) in this process (through the OpenBLAS
library) and in every subprocess (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS); OPENBLAS_CORETYPE is
reported, never changed. A full run writes benchmarks/RESULTS.md and benchmarks/results.json with the machine's
description (CPU, cores, numpy and its BLAS kernel, Python, date, load).

Layout: timing (samples, median, p95), results (rows, targets, verdicts), blas and machine (what ran), course
(reference solutions from the source notebooks, synthetic data), execution (running a notebook in a kernel),
groups/ (one module per group, each with FULL and QUICK parameters and ``run(settings, **overrides)``), runner,
report and cli.
"""
