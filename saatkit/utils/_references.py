"""The works saatkit's docstrings cite, each written once; :func:`cite` numbers them."""

# One entry a work, keyed by first author and year; a continuation line is indented to
# sit under the text of its ``.. [n]`` label (seven spaces in a four-space section).
REFERENCES = {
    "davison2018": """A. K. Davison, C. Lansley, N. Costen, K. Tan and M. H. Yap, "SAMM: a
       spontaneous micro-facial movement dataset", IEEE Transactions on Affective
       Computing 9(1), 2018.""",
    "dong2018": """X. Dong, Y. Yan, W. Ouyang and Y. Yang, "Style aggregated network for
       facial landmark detection", CVPR 2018.""",
    "farneback2003": """G. Farneback, "Two-frame motion estimation based on polynomial
       expansion", SCIA 2003.""",
    "gan2019": """Y. S. Gan, S.-T. Liong, W.-C. Yau, Y.-C. Huang and L.-K. Tan,
       "OFF-ApexNet on micro-expression recognition system", Signal Processing: Image
       Communication 74, 2019.""",
    "he2015": """K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers:
       surpassing human-level performance on ImageNet classification", ICCV 2015.""",
    "he2016": """K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for image
       recognition", CVPR 2016.""",
    "ioffe2015": """S. Ioffe and C. Szegedy, "Batch normalization: accelerating deep
       network training by reducing internal covariate shift", ICML 2015.""",
    "krizhevsky2012": """A. Krizhevsky, I. Sutskever and G. E. Hinton, "ImageNet
       classification with deep convolutional neural networks", NeurIPS 2012.""",
    "kroeger2016": """T. Kroeger, R. Timofte, D. Dai and L. Van Gool, "Fast optical flow
       using dense inverse search", ECCV 2016.""",
    "li2013": """X. Li, T. Pfister, X. Huang, G. Zhao and M. Pietikainen, "A spontaneous
       micro-expression database: inducement, collection and baseline", IEEE FG 2013.""",
    "liong2015": """S.-T. Liong, J. See, K. Wong, A. C. Le Ngo, Y.-H. Oh and
       R. C.-W. Phan, "Automatic apex frame spotting in micro-expression database",
       ACPR 2015.""",
    "liong2018": """S.-T. Liong, J. See, K. Wong and R. C.-W. Phan, "Less is more:
       micro-expression recognition from video using apex frame", Signal Processing:
       Image Communication 62, 2018.""",
    "liong2019": """S.-T. Liong, Y. S. Gan, J. See, H.-Q. Khor and Y.-C. Huang, "Shallow
       triple stream three-dimensional CNN (STSTNet) for micro-expression recognition",
       IEEE FG 2019.""",
    "pfister2011": """T. Pfister, X. Li, G. Zhao and M. Pietikainen, "Recognising
       spontaneous facial micro-expressions", ICCV 2011.""",
    "sanchez2013": """J. Sanchez, E. Meinhardt-Llopis and G. Facciolo, "TV-L1 optical
       flow estimation", Image Processing On Line 3, 2013.""",
    "see2019": """J. See, M. H. Yap, J. Li, X. Hong and S.-J. Wang, "MEGC 2019 - The
       second facial micro-expressions grand challenge", IEEE FG 2019.""",
    "shreve2011": """M. Shreve, S. Godavarthy, D. Goldgof and S. Sarkar, "Macro- and
       micro-expression spotting in long videos using spatio-temporal strain", IEEE FG
       2011.""",
    "simonyan2015": """K. Simonyan and A. Zisserman, "Very deep convolutional networks for
       large-scale image recognition", ICLR 2015.""",
    "wu2021": """Y. Wu and J. Johnson, "Rethinking 'batch' in BatchNorm",
       arXiv:2105.07576, 2021.""",
    "wu2023": """W. Wu, H. Peng and S. Yu, "YuNet: a tiny millisecond-level face
       detector", Machine Intelligence Research 20(5), 2023. Code:
       https://github.com/ShiqiYu/libfacedetection.""",
    "yan2014": """W.-J. Yan, X. Li, S.-J. Wang, G. Zhao, Y.-J. Liu, Y.-H. Chen and
       X. Fu, "CASME II: an improved spontaneous micro-expression database and the
       baseline evaluation", PLoS ONE 9(1), 2014.""",
    "zach2007": """C. Zach, T. Pock and H. Bischof, "A duality based approach for
       realtime TV-L1 optical flow", DAGM 2007.""",
    "zagoruyko2017": """S. Zagoruyko and N. Komodakis, "Paying more attention to
       attention: improving the performance of convolutional neural networks via
       attention transfer", ICLR 2017. Code:
       https://github.com/szagoruyko/attention-transfer.""",
    "zhao2007": """G. Zhao and M. Pietikainen, "Dynamic texture recognition using local
       binary patterns with an application to facial expressions", IEEE TPAMI 29(6),
       2007.""",
    "zhou2011": """Z. Zhou, G. Zhao and M. Pietikainen, "Towards a practical lipreading
       system", CVPR 2011.""",
    "zhou2019": """L. Zhou, Q. Mao and L. Xue, "Cross-database micro-expression
       recognition: a style aggregated and attention transfer approach", ICME
       Workshops 2019.""",
    "zhu2017": """J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired image-to-image
       translation using cycle-consistent adversarial networks", ICCV 2017.""",
}


def cite(*keys):
    """The References section of a docstring that cites ``keys``, numbered in that order.

    For :class:`Substitution` into a class or module-level function docstring (sections
    indented by four spaces): ``%(references)s`` stands for the whole section, heading
    included, and the text cites the works as ``[1]_``, ``[2]_``... in the order of
    ``keys``.

    Parameters
    ----------
    *keys : str
        Keys of :data:`REFERENCES`, such as ``"zhou2019"`` (first author and year).

    Returns
    -------
    section : str

    Examples
    --------
    >>> from saatkit.utils import cite
    >>> print(cite("he2016"))
    References
        ----------
        .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for image
           recognition", CVPR 2016.
    """
    unknown = [key for key in keys if key not in REFERENCES]
    if unknown:
        raise KeyError(f"No work {unknown} in saatkit's REFERENCES; add it there first.")
    entries = (f".. [{i}] {REFERENCES[key]}" for i, key in enumerate(keys, 1))
    return "\n    ".join(["References", "----------", *entries])
