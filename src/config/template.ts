/**
 * The commented study.yaml that `valuelex init` writes: every contract key, with the reasoning a
 * new user needs beside it.
 */
export function studyTemplate(name: string): string {
  return `# ValueLex study configuration. Run it with:  valuelex run ${name}/study.yaml
# Every stage reads and writes the run database below, so a killed run resumes with --resume and
# re-running a finished stage makes no new model request.
name: ${name}
store: runs/${name}/run.db          # SQLite file, relative to this file

seed: 1                              # seeds sampling, item order, bootstrap and parallel analysis

# The models whose values you want to study. Dozens are normal. API keys never go in this file:
# name the environment variable that holds the key with api_key_env.
models:
  - name: llama-8b                   # label used everywhere (reports, tables)
    provider: openai                 # openai (any OpenAI-compatible server: OpenAI, vLLM, llama.cpp,
                                     # LM Studio, Ollama /v1, OpenRouter) | anthropic | ollama
    model: meta-llama/Llama-3.1-8B-Instruct
    base_url: http://127.0.0.1:8000/v1
    # api_key_env: VLLM_API_KEY      # optional; the variable's NAME, not the key
    kind: chat                       # chat | completion (base models are prompted in completion form)
    tags: {size: 8B, training: instruct}   # free-form; used for group comparisons
    concurrency: 8                   # parallel requests to this model
    rpm: 600                         # requests per minute (optional)
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
# temperature 0 with a fixed seed by default, and its exact configuration is recorded.
judge: {provider: openai, model: gpt-4o-mini, api_key_env: OPENAI_API_KEY}

embedding: {backend: glove}          # glove (embedded, offline) | openai | ollama | transformers (path: <model folder>)

# Stages to run, in order (default: all).
stages: [elicit, rate, taxonomy, projective, choices]

elicit:
  prompts: all                       # or a list of prompt ids from the bank
  samples: 5                         # samples per prompt per model; each is one respondent
  temperature: 1.0
  min_count: 2                       # lexicon filters
  min_models: 2

rate:
  respondents: 10                    # rating respondents per model
  scale: 5                           # Likert points

taxonomy:
  source: ratings                    # ratings | elicitation (the paper's respondent x term matrix)
  factors: auto                      # auto = parallel analysis, or a number
  fm: minres                         # minres | ml | pa
  rotate: oblimin                    # none | varimax | promax | oblimin | quartimin | geomin
  # compare: earlier/taxonomy.yaml   # Tucker congruence with another value system's loadings

projective:
  items: default                     # the shipped sentence-completion bank, or a file
  samples: 3
  system: taxonomy                   # taxonomy (from this run) | schwartz | path to a value-system file
  # import: completions.jsonl        # completions made elsewhere ({model, stem, completion}), scored too
  # judge_repeats: 3                 # score each completion k times: flip rates, unstable items
  # judge_checks: [order, length, self]   # bias checks of the judge, as effect sizes
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
`;
}
