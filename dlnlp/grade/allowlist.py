"""What graded code may reach: the code policy's allowlist, as data for a person to review.

A name a student's code reaches through a module (`torch.tanh`, `F.softmax`, `np.random.randn`,
`from torch.optim import Adam`) must resolve to one of the objects listed here, whatever
module re-exports it: the policy compares objects, not spellings (`pathlib.attrgetter` is
operator.attrgetter, which is not listed). Anything not listed is refused (rule
`not-allowed`), with the path the student wrote. A function's own bans (grader_config.yaml)
come on top: a listed API can still be banned in one function.

How the list was made: the course's own code (solutions, alternatives, mistakes, notebooks)
and the public API a course on these topics uses, by topic. Left out on purpose:
- anything that runs a string as code (torch.utils.benchmark.Timer, numpy.vectorize's
  signature aside, collections.namedtuple, typing.NamedTuple, string.Template);
- anything that loads or saves (torch.load/save, numpy.load/save, open), reaches below
  torch's public functions (torch.ops, torch._C, torch.library, torch.jit, torch.compile,
  torch.fx, torch.overrides, DisableTorchFunction), or changes the process (set_num_threads,
  set_default_dtype, use_deterministic_algorithms, set_printoptions);
- modules that reach the interpreter (sys beyond its streams, os, gc, inspect, importlib...).
Adding an entry: make sure it does none of these, then add a test that a student may use it.
"""

from __future__ import annotations


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# module -> the names a student may reach in it (the module itself is allowed too)
NAMES: dict[str, tuple[str, ...]] = {
    "torch": _names(
        # creation
        "tensor as_tensor asarray from_numpy zeros zeros_like ones ones_like full full_like "
        "empty empty_like eye arange linspace logspace rand rand_like randn randn_like randint "
        "randint_like randperm normal bernoulli multinomial poisson scalar_tensor complex polar "
        "tril_indices triu_indices meshgrid cartesian_prod combinations vander block_diag diag "
        "diagflat diag_embed "
        # joining, indexing, reshaping
        "cat concat concatenate stack hstack vstack dstack column_stack row_stack split "
        "tensor_split chunk unbind hsplit vsplit dsplit gather scatter scatter_add "
        "scatter_reduce index_select index_add index_copy index_fill index_put masked_fill "
        "masked_select masked_scatter take take_along_dim where nonzero argwhere narrow select "
        "reshape flatten unflatten squeeze unsqueeze transpose swapaxes swapdims movedim "
        "moveaxis permute t adjoint flip fliplr flipud roll rot90 tile repeat_interleave "
        "broadcast_to broadcast_tensors broadcast_shapes atleast_1d atleast_2d atleast_3d clone "
        "detach ravel unravel_index searchsorted bucketize sort argsort msort topk kthvalue "
        "unique unique_consecutive count_nonzero numel is_tensor is_floating_point is_complex "
        "is_nonzero is_same_size bincount histc histogram tril triu diagonal trace "
        # pointwise maths
        "abs absolute neg negative positive sign sgn signbit add sub subtract mul multiply div "
        "divide true_divide floor_divide remainder fmod pow float_power square sqrt rsqrt exp "
        "exp2 expm1 log log2 log10 log1p logaddexp logaddexp2 sin cos tan asin acos atan atan2 "
        "arcsin arccos arctan arctan2 sinh cosh tanh asinh acosh atanh arcsinh arccosh arctanh "
        "sinc sigmoid logit relu erf erfc erfinv lgamma digamma polygamma mvlgamma i0 xlogy "
        "clamp clip clamp_min clamp_max floor ceil round trunc fix frac reciprocal lerp hypot "
        "copysign nextafter heaviside deg2rad rad2deg nan_to_num maximum minimum fmax fmin gcd "
        "lcm ldexp frexp real imag angle conj isfinite isinf isnan isneginf isposinf isreal "
        "bitwise_and bitwise_or bitwise_xor bitwise_not logical_and logical_or logical_not "
        "logical_xor eq ne lt le gt ge equal greater greater_equal less less_equal not_equal "
        "isclose allclose isin "
        # reductions
        "sum mean nansum nanmean prod cumsum cumprod cummax cummin logcumsumexp max min amax "
        "amin aminmax argmax argmin median nanmedian mode quantile nanquantile std var std_mean "
        "var_mean logsumexp norm dist all any cov corrcoef diff trapezoid cumulative_trapezoid "
        # linear algebra
        "matmul mm bmm mv dot vdot inner outer ger einsum tensordot kron cross addmm addmv addr "
        "addbmm baddbmm addcmul addcdiv chain_matmul matrix_power matrix_exp det logdet slogdet "
        "inverse pinverse svd qr cholesky cholesky_solve cholesky_inverse triangular_solve "
        "lu_solve lu_unpack cdist "
        # network functions (a function's bans may still take them away)
        "softmax log_softmax dropout embedding layer_norm rms_norm batch_norm group_norm "
        "instance_norm conv1d conv2d conv_transpose1d conv_transpose2d max_pool1d max_pool2d "
        "avg_pool1d adaptive_avg_pool1d adaptive_max_pool1d cosine_similarity pairwise_distance "
        "pdist kl_div binary_cross_entropy_with_logits lstm_cell gru_cell rnn_tanh_cell "
        "rnn_relu_cell celu selu prelu hardshrink threshold "
        # randomness, gradients, types
        "manual_seed seed initial_seed get_rng_state set_rng_state Generator no_grad "
        "enable_grad inference_mode set_grad_enabled is_grad_enabled get_default_dtype "
        "promote_types result_type can_cast get_num_threads vmap Tensor Size dtype device "
        "finfo iinfo "
        "float float32 float64 double half float16 bfloat16 int int8 int16 int32 int64 long "
        "short uint8 bool complex64 complex128 cfloat cdouble pi e inf nan newaxis "
        # submodules, as values of `torch.X`
        "nn optim autograd distributions linalg special utils func"
    ),
    "torch.nn": _names(
        "Module Parameter ParameterList ParameterDict ModuleList ModuleDict Sequential Linear "
        "Bilinear Identity Embedding EmbeddingBag LayerNorm RMSNorm BatchNorm1d BatchNorm2d "
        "GroupNorm Dropout Dropout1d Conv1d Conv2d ConvTranspose1d ConvTranspose2d MaxPool1d "
        "MaxPool2d AvgPool1d AvgPool2d AdaptiveAvgPool1d AdaptiveMaxPool1d Flatten Unflatten "
        "ReLU LeakyReLU GELU SiLU ELU Tanh Sigmoid Softmax LogSoftmax Softplus Hardtanh "
        "RNN LSTM GRU RNNCell LSTMCell GRUCell MultiheadAttention TransformerEncoderLayer "
        "TransformerEncoder TransformerDecoderLayer TransformerDecoder Transformer "
        "CrossEntropyLoss NLLLoss MSELoss L1Loss BCELoss BCEWithLogitsLoss KLDivLoss HuberLoss "
        "SmoothL1Loss CosineSimilarity PairwiseDistance functional init utils"
    ),
    "torch.nn.functional": _names(
        "relu relu6 leaky_relu gelu silu elu selu celu softplus softsign tanh sigmoid "
        "logsigmoid hardtanh softmax log_softmax softmin glu linear bilinear dropout dropout1d "
        "embedding one_hot layer_norm rms_norm batch_norm group_norm instance_norm normalize "
        "conv1d conv2d conv_transpose1d conv_transpose2d max_pool1d max_pool2d avg_pool1d "
        "avg_pool2d adaptive_avg_pool1d adaptive_max_pool1d pad interpolate unfold fold "
        "cross_entropy nll_loss mse_loss l1_loss smooth_l1_loss huber_loss binary_cross_entropy "
        "binary_cross_entropy_with_logits kl_div cosine_similarity pairwise_distance "
        "scaled_dot_product_attention multi_head_attention_forward margin_ranking_loss "
        "hinge_embedding_loss triplet_margin_loss poisson_nll_loss gaussian_nll_loss ctc_loss"
    ),
    "torch.nn.init": _names(
        "uniform_ normal_ constant_ ones_ zeros_ eye_ xavier_uniform_ xavier_normal_ "
        "kaiming_uniform_ kaiming_normal_ orthogonal_ trunc_normal_ calculate_gain"
    ),
    "torch.nn.utils": _names(
        "clip_grad_norm_ clip_grad_value_ parameters_to_vector vector_to_parameters rnn"
    ),
    "torch.nn.utils.rnn": _names(
        "pad_sequence pack_padded_sequence pad_packed_sequence pack_sequence PackedSequence"
    ),
    "torch.optim": _names(
        "SGD Adam AdamW RMSprop Adagrad Adadelta Adamax NAdam RAdam Optimizer lr_scheduler"
    ),
    "torch.optim.lr_scheduler": _names(
        "StepLR MultiStepLR ExponentialLR CosineAnnealingLR LambdaLR LinearLR OneCycleLR "
        "ReduceLROnPlateau SequentialLR ConstantLR"
    ),
    "torch.utils": _names("data"),
    "torch.utils.data": _names(
        "Dataset IterableDataset TensorDataset DataLoader random_split Subset ConcatDataset "
        "RandomSampler SequentialSampler BatchSampler default_collate"
    ),
    "torch.distributions": _names(
        "Normal MultivariateNormal LowRankMultivariateNormal Bernoulli Categorical "
        "OneHotCategorical Uniform Beta Gamma Dirichlet Laplace Exponential Independent "
        "Distribution kl_divergence"
    ),
    "torch.linalg": _names(
        "norm vector_norm matrix_norm det slogdet inv pinv solve lstsq svd svdvals eig eigh "
        "eigvals eigvalsh qr cholesky matrix_rank matrix_power matrix_exp cross vecdot "
        "multi_dot diagonal"
    ),
    "torch.special": _names(
        "expit logit xlogy xlog1py erf erfc erfinv gammaln digamma log_softmax softmax "
        "logsumexp entr sinc log1p expm1 exp2 i0 ndtr ndtri log_ndtr"
    ),
    "torch.autograd": _names("grad backward Function functional"),
    "torch.autograd.functional": _names("jacobian hessian vjp jvp"),
    "torch.func": _names("vmap grad jacrev jacfwd"),
    "numpy": _names(
        "array asarray zeros zeros_like ones ones_like full full_like empty empty_like eye "
        "identity arange linspace logspace meshgrid concatenate stack hstack vstack "
        "column_stack split array_split reshape ravel transpose swapaxes moveaxis expand_dims "
        "squeeze flip roll tile repeat where nonzero argwhere unique sort argsort searchsorted "
        "clip abs absolute sign sqrt square exp expm1 log log2 log10 log1p sin cos tan arcsin "
        "arccos arctan arctan2 sinh cosh tanh maximum minimum fmax fmin sum mean median std var "
        "prod cumsum cumprod max min amax amin argmax argmin all any dot matmul inner outer "
        "einsum tensordot kron trace diag diagonal tril triu allclose isclose isnan isinf "
        "isfinite nan_to_num round floor ceil rint trunc power float_power mod remainder divide "
        "multiply add subtract negative reciprocal bincount histogram percentile quantile cov "
        "corrcoef count_nonzero logical_and logical_or logical_not logical_xor equal not_equal "
        "less less_equal greater greater_equal array_equal shape size ndim copy atleast_1d "
        "atleast_2d broadcast_to pad diff gradient interp convolve ndarray float64 float32 "
        "float16 int64 int32 int16 int8 uint8 bool_ pi e inf nan newaxis finfo iinfo random linalg"
    ),
    "numpy.random": _names(
        "seed rand randn randint random random_sample standard_normal normal uniform choice "
        "permutation shuffle default_rng RandomState Generator binomial multinomial poisson "
        "beta gamma dirichlet exponential"
    ),
    "numpy.linalg": _names(
        "norm inv pinv det slogdet solve lstsq svd eig eigh eigvals eigvalsh qr cholesky "
        "matrix_rank matrix_power multi_dot"
    ),
    "math": _names(
        "ceil floor sqrt exp log log2 log10 log1p expm1 pow fabs fsum prod isclose isfinite "
        "isinf isnan pi e tau inf nan sin cos tan asin acos atan atan2 sinh cosh tanh asinh "
        "acosh atanh erf erfc gamma lgamma comb perm factorial gcd lcm hypot dist copysign fmod "
        "modf frexp ldexp trunc radians degrees isqrt nextafter ulp remainder"
    ),
    "random": _names(
        "seed random randint randrange uniform gauss normalvariate choice choices sample "
        "shuffle Random betavariate expovariate"
    ),
    "functools": _names("partial reduce lru_cache cache wraps cached_property cmp_to_key"),
    "itertools": _names(
        "count cycle repeat accumulate chain compress dropwhile filterfalse groupby islice "
        "pairwise starmap takewhile tee zip_longest product permutations combinations "
        "combinations_with_replacement"
    ),
    "collections": _names("Counter defaultdict OrderedDict deque ChainMap"),
    "typing": _names(
        "Any Callable Dict Iterable Iterator List Mapping Optional Sequence Set Tuple Union "
        "cast TYPE_CHECKING"
    ),
    "tqdm": _names("tqdm trange auto"),
    "tqdm.auto": _names("tqdm trange"),
    "re": _names(
        "compile search match fullmatch findall finditer sub subn split escape IGNORECASE I "
        "MULTILINE M DOTALL S VERBOSE X ASCII A Pattern Match"
    ),
    "statistics": _names("mean median stdev pstdev variance pvariance mode quantiles fmean"),
    "heapq": _names("heappush heappop heapify heappushpop heapreplace nlargest nsmallest merge"),
    "bisect": _names("bisect bisect_left bisect_right insort insort_left insort_right"),
    "copy": _names("copy deepcopy"),
    "time": _names("time perf_counter monotonic process_time sleep"),
    "string": _names(
        "ascii_letters ascii_lowercase ascii_uppercase digits punctuation whitespace printable"
    ),
    "pathlib": _names("Path"),
    "matplotlib": _names("pyplot"),
    "matplotlib.pyplot": _names(
        "figure subplots plot scatter hist bar imshow xlabel ylabel title legend grid show "
        "close tight_layout semilogy semilogx loglog xlim ylim xticks yticks colorbar axhline "
        "axvline fill_between text annotate suptitle"
    ),
    # the lab's progress lines may write to the streams; nothing else of sys
    "sys": _names("stdout stderr maxsize float_info version_info"),
    "__future__": _names("annotations"),
}

# the builtins a student may name (the rest, e.g. eval, exec, open, input, vars, dir, refused)
BUILTINS = _names(
    "abs all any ascii bin bool bytearray bytes callable chr classmethod complex dict divmod "
    "enumerate filter float format frozenset getattr hasattr hash hex id int isinstance "
    "issubclass iter len list map max min next object oct ord pow print property range repr "
    "reversed round set setattr delattr slice sorted staticmethod str sum super tuple type zip "
    "NotImplemented Ellipsis "
    "ArithmeticError AssertionError AttributeError Exception FileNotFoundError FloatingPointError "
    "ImportError IndexError KeyError LookupError MemoryError NameError NotImplementedError "
    "OSError OverflowError RecursionError RuntimeError StopIteration TypeError ValueError "
    "ZeroDivisionError Warning UserWarning DeprecationWarning RuntimeWarning"
)

# decorators a student may use (an expression that resolves to one of these objects, called or
# not), besides a property's own `.setter`/`.getter`/`.deleter`
DECORATORS = (
    ("builtins", "staticmethod"),
    ("builtins", "classmethod"),
    ("builtins", "property"),
    ("functools", "lru_cache"),
    ("functools", "cache"),
    ("functools", "wraps"),
    ("functools", "cached_property"),
    ("torch", "no_grad"),
    ("torch", "enable_grad"),
    ("torch", "inference_mode"),
)

# the classes whose public attributes a student may read or call on any value: what the
# course's values are (tensors, modules, optimisers, numbers, strings, containers...). With
# the names a student's own classes and objects define, this is the attribute allowlist.
ATTRIBUTE_CLASSES = (
    ("builtins", "str list dict set frozenset tuple int float complex bool bytes bytearray "
     "range slice BaseException"),
    ("torch", "Tensor Size dtype device Generator finfo iinfo"),
    ("torch.nn", "Module Parameter Linear Embedding EmbeddingBag LayerNorm RMSNorm BatchNorm1d "
     "GroupNorm Dropout Conv1d Conv2d ConvTranspose1d MaxPool1d RNN LSTM GRU RNNCell LSTMCell "
     "GRUCell MultiheadAttention TransformerEncoderLayer TransformerEncoder "
     "TransformerDecoderLayer ModuleList ModuleDict ParameterList ParameterDict Sequential "
     "CrossEntropyLoss"),
    ("torch.nn.utils.rnn", "PackedSequence"),
    ("torch.optim", "Optimizer"),
    ("torch.optim.lr_scheduler", "LRScheduler ReduceLROnPlateau"),
    ("torch.autograd.function", "FunctionCtx"),
    ("torch.utils.data", "Dataset DataLoader"),
    ("torch.distributions", "Distribution Normal MultivariateNormal Categorical Bernoulli"),
    ("torch.return_types", "max min sort topk kthvalue median mode aminmax"),
    ("numpy", "ndarray generic dtype"),
    ("numpy.random", "Generator RandomState"),
    ("collections", "Counter defaultdict OrderedDict deque"),
    ("re", "Pattern Match"),
    ("pathlib", "Path"),
    ("functools", "partial"),
    ("tqdm", "tqdm"),
    ("random", "Random"),
)  # fmt: skip
