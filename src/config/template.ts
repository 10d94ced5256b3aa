/**
 * The commented study.yaml that `valuelex init` writes: every contract key, with the reasoning a
 * new user needs beside it.
 */
export function studyTemplate(name: string): string {
  return `# ValueLex study configuration. Run it with:  valuelex run ${name}/study.yaml
# Every stage reads and writes the run database below, so a killed run resumes with --resume and
# re-running a finished stage makes no new model request.
# Every key below is checked: a misspelt one is an error ("did you mean samples?"), never ignored.
# Your own notes and YAML anchors go under extensions: (valuelex never reads it).
name: ${name}
store: runs/${name}/run.db          # SQLite file, relative to this file

seed: 1                              # seeds sampling, item order, bootstrap and parallel analysis

# The models whose values you want to study. Dozens are normal (at most 1000). API keys never go in
# this file: name the environment variable that holds the key with api_key_env. Names are unique
# across models and judges.
models:
  - name: llama-8b                   # label used everywhere (reports, tables)
    provider: openai                 # openai (any OpenAI-compatible server: OpenAI, vLLM, llama.cpp,
                                     # LM Studio, Ollama /v1, OpenRouter) | anthropic | ollama
    model: meta-llama/Llama-3.1-8B-Instruct
    base_url: http://127.0.0.1:8000/v1
    # api_key_env: VLLM_API_KEY      # optional; the variable's NAME, not the key
    kind: chat                       # chat | completion (base models are prompted in completion form)
    tags: {size: 8B, training: instruct}   # free-form; used for group comparisons
    concurrency: 8                   # parallel requests to this model (at most 1024)
    rpm: 600                         # requests per minute (optional)
    # timeout_ms: 120000             # per request (default 2 min, at most 3600000 = one hour)
  # - name: llama-8b-base
  #   provider: openai
  #   model: meta-llama/Llama-3.1-8B
  #   base_url: http://127.0.0.1:8000/v1
  #   kind: completion
  #   tags: {size: 8B, training: base}
  # - name: claude-haiku
  #   provider: anthropic
  #   model: claude-3-5-haiku-latest
  #   api_key_env: ANTHROPIC_API_KEY
  #   tags: {training: rlhf}
  # - name: qwen-ollama
  #   provider: ollama
  #   model: qwen2.5:1.5b
  #   base_url: http://127.0.0.1:11434

# The judge scores projective completions (and names taxonomy dimensions). It runs at
# temperature 0 with a fixed seed by default, and its exact configuration is recorded. Its name
# (default judge-<model>) must differ from every model's.
judge: {provider: openai, model: gpt-4o-mini, api_key_env: OPENAI_API_KEY}

embedding: {backend: glove}          # glove (embedded, offline) | openai | ollama | transformers (path: <model folder>)

# Stages to run, in order (default: all).
stages: [elicit, rate, taxonomy, projective, choices]

elicit:
  prompts: all                       # or a list of prompt ids from the bank
  samples: 5                         # samples per prompt per model (at most 10000): repeated measurements of one
                                     # respondent (model x prompt, as in the paper), not new respondents
  temperature: 1.0
  min_count: 5                       # lexicon filters: named in >= 5 answers by >= 2 models. The paper
  min_models: 2                      # reduced 43,884 words to 197 terms by frequency; a word one model
                                     # says once cannot carry a structure shared across models

rate:
  respondents: 10                    # rating respondents per model (at most 10000)
  scale: 5                           # Likert points
  style_items: 10                    # antonym/reversed partner items (never in the lexicon): acquiescence
  # retest: true                     # a second administration (other seeds): test-retest ICC per dimension

taxonomy:
  source: elicitation                # elicitation (the paper's respondent x term matrix) | ratings
  cells: any                         # any: named in any of the respondent's samples (tetrachoric)
                                     # count: in how many samples (polychoric; needs many samples)
  min_share: 0.05                    # analyse terms named by >= 5% of respondents (and >= 5)
  min_msa: 0.5                       # drop terms whose own sampling adequacy (MSA) is below this
  max_terms: 200                     # the most frequent terms at most (the paper analysed 197)
  factors: auto                      # auto = parallel analysis (permutation null, same correlations), or a number
  pa_iter: 100                       # null data sets of the parallel analysis
  folds: 5                           # validation over held-out models: EFA on the others, CFA (WLSMV) on them
  subdimensions: silhouette          # k-means of each dimension's words; k by gap (k = 1: none) then silhouette
  fm: minres                         # minres | ml | pa
  rotate: oblimin                    # none | varimax | promax | oblimin | quartimin | geomin
  # compare: earlier/taxonomy.yaml   # Tucker congruence with another value system's loadings

projective:
  items: default                     # the shipped sentence-completion bank, or a file
  samples: 3                         # at most 10000; a stage plans at most 2 million requests
  system: taxonomy                   # taxonomy (from this run) | schwartz | path to a value-system file
  # import: completions.jsonl        # completions made elsewhere ({model, stem, completion}), scored too
  # correction: holm                 # tag-group comparisons (one observation per model): holm | BH
  # retest: true                     # a second, independent administration: test-retest of model scores
  # judge_repeats: 3                 # re-score each completion 3 times at judge_repeat_temperature (0.7):
                                     # flip rates, unstable items; a deterministic judge is reported as such
  # judge_variants: 2                # also score with 2 paraphrased instructions (wording sensitivity)
  # judge_checks: [order, length, self, injection]   # checks of the judge, as effect sizes; injection:
  #                                 # 50 completions (judge_injection_sample) re-scored with an instruction appended in the fence
  # calibration: labeled.jsonl       # labeled pairs: judge confusion matrix, corrected means
  # judge_combine: mean              # several judges (judge: as a list): mean | majority

# Forced choices: what models choose, against what they say. A generator model writes short
# dilemmas between every pair of values (from a bank of everyday and assistant-life situations);
# every model answers each in both option orders and two framings ("which would you choose?" /
# "which would you reject?"). Priorities by Bradley-Terry, position bias, framing consistency.
choices:
  system: taxonomy                   # taxonomy (from this run) | schwartz | path to a value-system file
  dilemmas_per_pair: 4               # dilemmas kept per pair of values
  # generator: judge-gpt-4o-mini     # who writes the dilemmas: a model or judge label, or {name, provider, model, ...}; default: the judge
  # verify: true                     # the judge checks each option honours its value (needs judge:)
  # framings: [act, reject]          # both are needed for framing consistency
  # samples: 1                       # answers per dilemma, framing and option order
  # temperature: 1.0
  # templates: default               # or your own bank of situations (YAML)
  # ridge: 0.1                       # Bradley-Terry prior precision; 0 = plain maximum likelihood

# extensions:                        # free-form, for your own tools; valuelex never reads it
#   notes: pilot run, lab machine 3
`;
}
